import { CliError } from './output.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-\\';

/**
 * Parses docker's --detach-keys format: comma-separated keys, each a single
 * character or `ctrl-<c>` (a-z, @, [, \, ], ^, _). Returns the byte sequence.
 */
export function parseDetachKeys(spec: string): Buffer {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (ctrl) {
      const c = ctrl[1]!.toLowerCase();
      const code = c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : '@[\\]^_'.indexOf(c);
      if (c >= 'a' && c <= 'z') bytes.push(code);
      else if (code >= 0) bytes.push(code === 0 ? 0 : 27 + code - 1);
      else
        throw new CliError(
          `invalid detach key: ${key} (use ctrl-a … ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_)`,
          2,
        );
    } else if (key.length === 1) {
      bytes.push(key.charCodeAt(0));
    } else {
      throw new CliError(`invalid detach key: ${key} (e.g. ctrl-\\ or ctrl-a,d)`, 2);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Finds the detach sequence in typed input across reads. Bytes that could
 * begin the sequence are held back until the next read decides.
 */
export class DetachMatcher {
  private matched = 0;

  constructor(private readonly sequence: Buffer) {}

  /** Returns the bytes to forward and whether the sequence was completed. */
  push(input: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of input) {
      if (byte === this.sequence[this.matched]) {
        this.matched++;
        if (this.matched === this.sequence.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // Mismatch: the held bytes were typed for the program after all.
      for (let i = 0; i < this.matched; i++) out.push(this.sequence[i]!);
      this.matched = byte === this.sequence[0] ? 1 : 0;
      if (this.matched === 0) out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
