// What the attached session left the user's terminal in, read from the
// output as it passes, so that leaving restores exactly what is needed.
// It runs on every chunk of the relay: native searches only, no decoding.

const CSI_PRIVATE = Buffer.from('\x1b[?');
const ALT_SCREEN_MODES = ['1049', '1047', '47'].map((mode) => Buffer.from(mode));
/** Longest alternate-screen switch (ESC [ ? 1049 h) less one: what may straddle two chunks. */
const CARRY = 8;

export class ScreenState {
  alternate = false;
  /** The last byte written was a newline: the cursor is at a line start. */
  atLineStart = true;
  private carry: Buffer | undefined;

  observe(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.atLineStart = chunk[chunk.length - 1] === 10;
    if (this.carry) {
      const seam = Buffer.concat([this.carry, chunk.subarray(0, CARRY)]);
      const found = lastSwitch(seam);
      if (found !== undefined) this.alternate = found;
      this.carry = undefined;
    }
    // Most chunks hold no escape at all (memchr-fast).
    const escape = chunk.lastIndexOf(0x1b);
    if (escape === -1) return;
    const found = lastSwitch(chunk);
    if (found !== undefined) this.alternate = found;
    // A copy: the chunk may be a read buffer that is reused.
    if (chunk.length - escape < CARRY) this.carry = Buffer.from(chunk.subarray(escape));
  }
}

/** The last complete alternate-screen switch in `data`: true for on, false for off. */
function lastSwitch(data: Buffer): boolean | undefined {
  for (let at = data.lastIndexOf(CSI_PRIVATE); at !== -1; at = at === 0 ? -1 : data.lastIndexOf(CSI_PRIVATE, at - 1)) {
    const modeAt = at + CSI_PRIVATE.length;
    for (const mode of ALT_SCREEN_MODES) {
      const end = modeAt + mode.length;
      if (end >= data.length || data.compare(mode, 0, mode.length, modeAt, end) !== 0) continue;
      const final = data[end];
      if (final === 0x68) return true; // h
      if (final === 0x6c) return false; // l
    }
  }
  return undefined;
}
