import { replaceAnsi } from '../../shared/ansi.js';

const SESSION_ID_LINE = /session id:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const CARRY = 512;

/** Captures codex's `session id: <uuid>` once, across chunk boundaries. */
export class ToolSessionIdDetector {
  private carry = '';

  push(text: string): string | undefined {
    const window = this.carry + text;
    // Strip escapes before matching: a colour change may sit inside the line.
    const match = SESSION_ID_LINE.exec(replaceAnsi(window, ''));
    if (match) return match[1]!.toLowerCase();
    this.carry = window.slice(-CARRY);
    return undefined;
  }
}
