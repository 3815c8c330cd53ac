const CSI_PRIVATE = Buffer.from('\x1b[?');

/**
 * Records DEC private mode switches (`ESC [ ? n ; m h|l`) in raw output, the
 * last state of each mode winning. Used while the emulator stands aside during
 * a flood, so that a mode set then is not lost when it is rebuilt from the
 * ring. A byte search finds nothing to do in ordinary output.
 */
export class ModeTracker {
  private readonly modes = new Map<number, 'h' | 'l'>();

  scan(chunk: Buffer): void {
    let at = chunk.indexOf(CSI_PRIVATE);
    while (at !== -1) {
      let i = at + CSI_PRIVATE.length;
      const numbers: number[] = [];
      let current = '';
      for (; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (c >= 0x30 && c <= 0x39) current += String.fromCharCode(c);
        else if (c === 0x3b) {
          numbers.push(Number(current));
          current = '';
        } else break;
      }
      const final = chunk[i];
      if (current) numbers.push(Number(current));
      if (final === 0x68 || final === 0x6c) for (const n of numbers) this.modes.set(n, final === 0x68 ? 'h' : 'l');
      at = chunk.indexOf(CSI_PRIVATE, i);
    }
  }

  /** The recorded switches as escape sequences; then forgets them. */
  take(): string {
    let out = '';
    for (const [mode, state] of this.modes) out += `\x1b[?${mode}${state}`;
    this.modes.clear();
    return out;
  }
}
