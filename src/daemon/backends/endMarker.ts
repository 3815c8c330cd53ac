import { randomBytes } from 'node:crypto';

/**
 * A unique byte string written after a program's last output (by kojo into
 * the PTY, or by the tmux pipe command), so that reading up to it proves
 * every byte before it has been read. It is cut from the stream; a tail that
 * could be its beginning (it starts with NUL) is held back until the next
 * chunk decides.
 */
export class EndMarker {
  readonly bytes = Buffer.from(`\u0000kojo-end-${randomBytes(12).toString('hex')}\u0000`, 'latin1');
  private held: Buffer | undefined;

  /** The marker's text between its NULs (for a shell's printf). */
  get text(): string {
    return this.bytes.subarray(1, -1).toString('latin1');
  }

  /** Passes output on to `emit`, up to the marker; true once the marker has been read. */
  feed(chunk: Buffer, emit: (data: Buffer) => void): boolean {
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = undefined;
    const at = data.indexOf(this.bytes);
    if (at !== -1) {
      if (at > 0) emit(data.subarray(0, at));
      return true;
    }
    const nul = data.indexOf(0, Math.max(0, data.length - (this.bytes.length - 1)));
    const cut = nul === -1 ? data.length : nul;
    if (cut > 0) emit(data.subarray(0, cut));
    if (cut < data.length) this.held = Buffer.from(data.subarray(cut));
    return false;
  }

  /** Giving up on the marker: whatever was held back is output after all. */
  release(emit: (data: Buffer) => void): void {
    if (this.held) emit(this.held);
    this.held = undefined;
  }
}
