import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temp name beside `file`: `<name>.tmp-<random>`, removed at load when a crash left it. */
export function tempNameFor(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replaces `file` with `text` so that a reader sees the old or the new
 * content, never part of one. Every byte is written (a short write on a full
 * disk is retried, then fails) and flushed before the rename; on any failure
 * the temp file goes and the old file is left as it was.
 */
export function writeFileAtomicSync(file: string, text: string, mode = 0o600): void {
  const data = Buffer.from(text, 'utf8');
  const temp = tempNameFor(file);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    let written = 0;
    while (written < data.length) {
      const n = fs.writeSync(fd, data, written, data.length - written);
      if (n <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      written += n;
    }
    fs.fsyncSync(fd);
    if (fs.fstatSync(fd).size !== data.length) throw new Error(`wrote ${written} of ${data.length} bytes`);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(file));
}

/** The rename itself is durable only once the directory is flushed. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY);
    fs.fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be fsynced; the rename happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What a failed save means to a person. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'disk full';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  return (error as Error).message;
}
