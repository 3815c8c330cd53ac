import { randomBytes } from 'node:crypto';

/** A fresh marker text: unguessable, so a program cannot end its own stream early. */
export function newMarkerText(): string {
  return `kojo-end-${randomBytes(12).toString('hex')}`;
}

/**
 * A unique byte string written after a program's last output (by kojo into
 * the PTY, or by a tmux pane's shell), so that reading up to it proves
 * every byte before it has been read. It is cut from the stream; a tail that
 * is the marker's beginning is held back until the next chunk decides.
 */
export class EndMarker {
  private held: Buffer | undefined;

  constructor(readonly bytes: Buffer = Buffer.from(`\u0000${newMarkerText()}\u0000`, 'latin1')) {}

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
    const cut = this.prefixAt(data);
    if (cut > 0) emit(data.subarray(0, cut));
    if (cut < data.length) this.held = Buffer.from(data.subarray(cut));
    return false;
  }

  /** Where a tail of `data` that begins the marker starts (data.length if none). */
  private prefixAt(data: Buffer): number {
    const first = this.bytes[0]!;
    let at = data.indexOf(first, Math.max(0, data.length - (this.bytes.length - 1)));
    while (at !== -1) {
      if (data.subarray(at).equals(this.bytes.subarray(0, data.length - at))) return at;
      at = data.indexOf(first, at + 1);
    }
    return data.length;
  }

  /** Giving up on the marker: whatever was held back is output after all. */
  release(emit: (data: Buffer) => void): void {
    if (this.held) emit(this.held);
    this.held = undefined;
  }
}
