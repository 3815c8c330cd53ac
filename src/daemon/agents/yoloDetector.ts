import { YOLO_TAIL_BYTES } from '../../shared/limits.js';
import { replaceAnsi } from '../../shared/ansi.js';

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

  /** Append output (decoded); returns the matched prompt text, if any. */
  push(text: string): string | undefined {
    this.tail = (this.tail + text).slice(-YOLO_TAIL_BYTES);
    // A new match ends in "Yes", so it ends in what just arrived: if that has
    // no "yes" (allowing for a split), there is nothing new to find.
    if (!/yes/i.test(this.tail.slice(-(text.length + 2)))) return undefined;
    const match = APPROVAL_PROMPT.exec(normaliseForYolo(this.tail));
    if (!match) return undefined;
    this.tail = '';
    return match[0];
  }
}
