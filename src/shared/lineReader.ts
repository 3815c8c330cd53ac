import { KojoError, ErrorCode } from './errors.js';

/** "1 MB" for 1024 * 1024: how a limit is shown to a person. */
export function describeBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

/** The one message for a line over the limit, on both sides of the socket. */
export function lineTooLarge(maxBytes: number): string {
  return `request larger than ${describeBytes(maxBytes)}`;
}

/**
 * The one line framer: splits a byte stream into newline-terminated lines,
 * refusing any line longer than `maxBytes` (the control protocol's frame
 * limit). Lines can be taken one at a time, so that a reader switching to
 * another framing (an attach stream) keeps the bytes after its last line.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  /** Leading parts already known to hold no newline, and their bytes: never scanned twice. */
  private clean = 0;
  private cleanBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Adds bytes; take the lines with next(). */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
  }

  /** The next complete line, or undefined; throws when a line passes the limit. */
  next(): string | undefined {
    let scanned = this.cleanBytes;
    for (let i = this.clean; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      const nl = part.indexOf(10);
      if (nl === -1) {
        scanned += part.length;
        this.clean = i + 1;
        this.cleanBytes = scanned;
        continue;
      }
      if (scanned + nl > this.maxBytes) throw this.tooLarge();
      const head = this.parts.slice(0, i);
      head.push(part.subarray(0, nl));
      const line = Buffer.concat(head, scanned + nl).toString('utf8');
      const tail = part.subarray(nl + 1);
      this.parts = tail.length ? [tail, ...this.parts.slice(i + 1)] : this.parts.slice(i + 1);
      this.size -= scanned + nl + 1;
      this.clean = 0;
      this.cleanBytes = 0;
      return line;
    }
    if (this.size > this.maxBytes) throw this.tooLarge();
    return undefined;
  }

  /** Hands over the bytes not yet framed into lines, and forgets them. */
  rest(): Buffer {
    const rest = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.clean = 0;
    this.cleanBytes = 0;
    return rest;
  }

  /** Returns the lines completed by this chunk. */
  push(chunk: Buffer): string[] {
    this.feed(chunk);
    const lines: string[] = [];
    for (let line = this.next(); line !== undefined; line = this.next()) lines.push(line);
    return lines;
  }

  private tooLarge(): KojoError {
    return new KojoError(ErrorCode.InvalidRequest, lineTooLarge(this.maxBytes));
  }
}
