/**
 * The raw output record of a session: the last `capacity` bytes, in a buffer
 * that grows (doubling) as it fills, so an idle session costs little.
 */
export class ScrollbackRing {
  private buffer: Buffer = Buffer.alloc(0);
  /** Next write position once the buffer is full-size and wrapping. */
  private head = 0;
  private length = 0;
  /** Every byte ever written, counted: positions in the stream. */
  total = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.length;
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    if (chunk.length >= this.capacity) {
      this.ensure(this.capacity);
      chunk.copy(this.buffer, 0, chunk.length - this.capacity);
      this.head = 0;
      this.length = this.capacity;
      return;
    }
    if (this.head === this.length && this.length + chunk.length <= this.capacity) {
      // Still filling from the start: grow instead of wrapping.
      this.ensure(this.length + chunk.length);
      chunk.copy(this.buffer, this.length);
      this.length += chunk.length;
      this.head = this.length % this.capacity;
      return;
    }
    this.ensure(this.capacity);
    const first = Math.min(chunk.length, this.capacity - this.head);
    chunk.copy(this.buffer, this.head, 0, first);
    if (first < chunk.length) chunk.copy(this.buffer, 0, first);
    this.head = (this.head + chunk.length) % this.capacity;
    this.length = Math.min(this.capacity, this.length + chunk.length);
  }

  /** The recorded bytes in order (a copy). */
  bytes(): Buffer {
    if (this.length < this.capacity) return Buffer.from(this.buffer.subarray(0, this.length));
    return Buffer.concat([this.buffer.subarray(this.head), this.buffer.subarray(0, this.head)]);
  }

  /** The last `n` recorded bytes (a copy). */
  tail(n: number): Buffer {
    const take = Math.min(n, this.length);
    if (this.length < this.capacity) return Buffer.from(this.buffer.subarray(this.length - take, this.length));
    // Full and wrapping: the newest byte is just before head.
    const start = (this.head - take + this.capacity) % this.capacity;
    if (start < this.head) return Buffer.from(this.buffer.subarray(start, this.head));
    return Buffer.concat([this.buffer.subarray(start), this.buffer.subarray(0, this.head)], take);
  }

  clear(): void {
    this.buffer = Buffer.alloc(0);
    this.head = 0;
    this.length = 0;
  }

  private ensure(needed: number): void {
    if (this.buffer.length >= needed) return;
    let size = Math.max(4096, this.buffer.length);
    while (size < needed) size *= 2;
    size = Math.min(size, this.capacity);
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
