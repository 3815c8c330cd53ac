import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Attachment } from '../../shared/protocol/agent.js';
import { replaceAnsi } from '../../shared/ansi.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  tiff: 'image/tiff',
  tif: 'image/tiff',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  flv: 'video/x-flv',
  wmv: 'video/x-ms-wmv',
  m4v: 'video/x-m4v',
  ogv: 'video/ogg',
};

const EXTENSIONS = Object.keys(MIME_BY_EXTENSION).join('|');
/** Cheap pre-check on new output before any real scan. */
const MEDIA_HINT = new RegExp(`\\.(?:${EXTENSIONS})`, 'i');
// Characters that end an unquoted path: whitespace and quote-like marks.
const STOP = `\\s"'\`<>()\\[\\]{}|`;
const UNQUOTED = new RegExp(
  `(?:^|[\\s=(\\[<>'"\`])((?:/(?!/)|\\./|\\.\\./|~/|[A-Za-z]:[\\\\/])[^${STOP}]*\\.(?:${EXTENSIONS}))(?=$|[${STOP}]|[.,;:!?]+(?:$|[${STOP}]))`,
  'gi',
);
const QUOTED = new RegExp(`"([^"\\n]+\\.(?:${EXTENSIONS}))"|'([^'\\n]+\\.(?:${EXTENSIONS}))'`, 'gi');

export function mimeOf(file: string): string {
  return MIME_BY_EXTENSION[path.extname(file).slice(1).toLowerCase()] ?? 'application/octet-stream';
}

/** Every media path named in `text`, as written. */
export function findMediaPaths(text: string): string[] {
  const clean = replaceAnsi(text, '');
  const found: string[] = [];
  for (const match of clean.matchAll(QUOTED)) found.push((match[1] ?? match[2])!);
  for (const match of clean.matchAll(UNQUOTED)) found.push(match[1]!);
  return found;
}

export function resolveMediaPath(raw: string, workDir: string, home: string): string {
  if (raw.startsWith('~/')) return path.join(home, raw.slice(2));
  return path.resolve(workDir, raw);
}

export function describeAttachment(file: string, now: Date): Attachment | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return undefined;
  return {
    path: file,
    name: path.basename(file),
    size: stat.size,
    mime: mimeOf(file),
    modTime: stat.mtime.toISOString(),
    createdAt: now.toISOString(),
  };
}

/** Cheap test of new output (bytes) before any real scan: does it name a media file at all? */
export function mentionsMedia(output: Buffer): boolean {
  return output.indexOf(0x2e) !== -1 && MEDIA_HINT.test(output.toString('latin1'));
}

/** Resolves the media paths named in the trailing output of one session. */
export class AttachmentDetector {
  constructor(
    private readonly workDir: string,
    private readonly home: string = os.homedir(),
  ) {}

  /** The resolved paths of media files named in `window` (the trailing 8 KB, decoded). */
  scan(window: string): string[] {
    return findMediaPaths(window).map((raw) => resolveMediaPath(raw, this.workDir, this.home));
  }
}
