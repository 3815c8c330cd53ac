import { replaceAnsi } from '../../shared/ansi.js';
import type { Detector, DetectorHost } from './detector.js';

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
/** codex's banner (the seed's rule), checked against its rollout before any resume. */
export const CODEX_SESSION_ID_LINE = new RegExp(`session id:\\s*${UUID}`, 'i');
/** gemini at exit: "To resume this session: gemini --resume <uuid>". */
export const GEMINI_RESUME_LINE = new RegExp(`gemini --resume ${UUID}`, 'i');
const CARRY = 512;

/** Captures a tool's session id printed in its output, across chunk boundaries. */
export class ToolSessionIdDetector {
  private carry = '';

  constructor(private readonly pattern: RegExp = CODEX_SESSION_ID_LINE) {}

  push(text: string): string | undefined {
    const window = this.carry + text;
    // Strip escapes before matching: a colour change may sit inside the line.
    const clean = replaceAnsi(window, '');
    const match = this.pattern.exec(clean);
    if (match) {
      this.carry = '';
      return match[1]!.toLowerCase();
    }
    this.carry = window.slice(-CARRY);
    return undefined;
  }
}

/**
 * Records the printed id. `keepFirst`: only while none is known (codex's
 * banner comes once, the hooks know better); otherwise every new one (gemini
 * prints the id to resume at exit).
 */
export class PrintedIdDetector implements Detector {
  private finder: ToolSessionIdDetector;

  constructor(
    private readonly host: DetectorHost,
    private readonly pattern: RegExp,
    private readonly keepFirst: boolean,
  ) {
    this.finder = new ToolSessionIdDetector(pattern);
  }

  output(_recent: Buffer, text: () => string): void {
    const { record } = this.host;
    if (this.keepFirst && record.toolSessionId) return;
    const id = this.finder.push(text());
    if (id && id !== record.toolSessionId) {
      record.toolSessionId = id;
      this.host.changed();
    }
  }

  started(): void {
    this.finder = new ToolSessionIdDetector(this.pattern);
  }
}
