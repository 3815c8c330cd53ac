import { KojoError, ErrorCode } from './errors.js';

/**
 * Splits a byte stream into newline-terminated lines, refusing any line longer
 * than `maxBytes` (the control protocol's frame limit).
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the lines completed by this chunk. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      this.check(piece.length);
      this.parts.push(piece);
      lines.push(Buffer.concat(this.parts).toString('utf8'));
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const piece = chunk.subarray(start);
      this.check(piece.length);
      this.parts.push(piece);
      this.size += piece.length;
    }
    return lines;
  }

  /**
   * For a connection that carries other bytes after its first line (an attach
   * stream): that line and what followed it, once the line is complete.
   */
  pushFirst(chunk: Buffer): { line: string; rest: Buffer } | undefined {
    const nl = chunk.indexOf(10);
    const piece = nl === -1 ? chunk : chunk.subarray(0, nl);
    this.check(piece.length);
    this.parts.push(piece);
    this.size += piece.length;
    if (nl === -1) return undefined;
    const line = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.size = 0;
    return { line, rest: chunk.subarray(nl + 1) };
  }

  private check(extra: number): void {
    if (this.size + extra > this.maxBytes) {
      throw new KojoError(ErrorCode.InvalidRequest, `control frame larger than ${this.maxBytes} bytes`);
    }
  }
}
