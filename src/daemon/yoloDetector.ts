import { YOLO_TAIL_BYTES } from '../shared/limits.js';
import { replaceAnsi } from './ansi.js';

// Claude Code's approval menus: "Do you want to …?" followed by "1. Yes".
const APPROVAL_PROMPT = /Do you \S[^\n]*\?[\s\S]{0,200}?1\.\s*Yes/i;

/** Normalises output as SPEC §5 says before matching. */
export function normaliseForYolo(text: string): string {
  return replaceAnsi(text, ' ')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ');
}

/**
 * Keeps the trailing 4 KB of output and reports an approval prompt once: the
 * tail is cleared on a match, so one prompt is never approved twice.
 */
export class YoloDetector {
  private tail = '';

  /** Append output (decoded) without looking: yolo is off. */
  append(text: string): void {
    this.tail = (this.tail + text).slice(-YOLO_TAIL_BYTES);
  }

  /** Append output (decoded); returns the matched prompt text, if any. */
  push(text: string): string | undefined {
    this.append(text);
    return this.check();
  }

  check(): string | undefined {
    const match = APPROVAL_PROMPT.exec(normaliseForYolo(this.tail));
    if (!match) return undefined;
    this.tail = '';
    return match[0];
  }
}
