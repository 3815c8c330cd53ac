// What the attached session left the user's terminal in, read from the
// output as it passes, so that leaving restores exactly what is needed.

const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;
const CARRY = 16;

export class ScreenState {
  alternate = false;
  /** The last byte written was a newline: the cursor is at a line start. */
  atLineStart = true;
  private carry = '';

  observe(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.atLineStart = chunk[chunk.length - 1] === 10;
    // Only look closer when an escape is present at all (memchr-fast).
    if (chunk.indexOf(0x1b) === -1 && !this.carry) return;
    const text = this.carry + chunk.toString('latin1', Math.max(0, chunk.length - 65536));
    let last: string | undefined;
    for (const match of text.matchAll(ALT_SCREEN)) last = match[1];
    if (last) this.alternate = last === 'h';
    const escape = text.lastIndexOf('\x1b');
    this.carry = escape !== -1 && text.length - escape < CARRY ? text.slice(escape) : '';
  }
}
