// What the benchmark's terminal checks while it reads: every byte counted,
// the bytes after the start marker compared with the expected stream, and
// the end marker spotted even when a read splits it.

/** The expected stream after the start marker is `pattern` repeated, `total` bytes long. */
export interface Expected {
  pattern: Buffer;
  total: number;
  start: string;
  end: string;
}

/** What the terminal saw. Times are process.hrtime.bigint() as numbers (ns). */
export interface Seen {
  bytes: number;
  afterStart: number;
  verified: number;
  mismatchAt: number;
  sawStart: boolean;
  sawEnd: boolean;
  firstNs: number;
  startNs: number;
  endNs: number;
  reads: number;
}

export class StreamCheck {
  readonly seen: Seen = {
    bytes: 0,
    afterStart: 0,
    verified: 0,
    mismatchAt: -1,
    sawStart: false,
    sawEnd: false,
    firstNs: 0,
    startNs: 0,
    endNs: 0,
    reads: 0,
  };
  private carry = Buffer.alloc(0); // the stream's last bytes, for markers split across reads
  private readonly startMarker: Buffer;
  private readonly endMarker: Buffer;

  constructor(private readonly expected: Expected) {
    this.startMarker = Buffer.from(expected.start, 'latin1');
    this.endMarker = Buffer.from(expected.end, 'latin1');
  }

  /** Takes one read; true once the end marker has arrived. */
  take(chunk: Buffer): boolean {
    const seen = this.seen;
    const now = Number(process.hrtime.bigint());
    if (!seen.firstNs) seen.firstNs = now;
    seen.bytes += chunk.length;
    seen.reads++;
    let from = 0;
    if (!seen.sawStart) {
      const end = this.markerEnd(chunk, this.startMarker);
      if (end >= 0) {
        seen.sawStart = true;
        seen.startNs = now;
        from = end;
      }
    }
    if (seen.sawStart) {
      seen.afterStart += chunk.length - from;
      this.verify(chunk, from);
    }
    if (this.markerEnd(chunk, this.endMarker) >= 0) {
      seen.sawEnd = true;
      seen.endNs = now;
      return true;
    }
    this.carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 64)));
    return false;
  }

  /** Where `marker` ends in the stream carry+chunk, as an offset into chunk, or -1. */
  private markerEnd(chunk: Buffer, marker: Buffer): number {
    const inChunk = chunk.indexOf(marker);
    if (inChunk >= 0) return inChunk + marker.length;
    const edge = Buffer.concat([this.carry, chunk.subarray(0, marker.length - 1)]);
    const inEdge = edge.indexOf(marker);
    return inEdge >= 0 ? Math.max(0, inEdge + marker.length - this.carry.length) : -1;
  }

  /** Compares chunk[from..] with the expected stream, advancing `verified`. */
  private verify(chunk: Buffer, from: number): void {
    const { pattern, total } = this.expected;
    const seen = this.seen;
    let i = from;
    while (i < chunk.length && seen.verified < total && seen.mismatchAt < 0) {
      const at = seen.verified % pattern.length;
      const n = Math.min(chunk.length - i, pattern.length - at, total - seen.verified);
      const got = chunk.subarray(i, i + n);
      const want = pattern.subarray(at, at + n);
      if (!got.equals(want)) {
        let k = 0;
        while (got[k] === want[k]) k++;
        seen.mismatchAt = seen.verified + k;
        seen.verified += k;
        return;
      }
      seen.verified += n;
      i += n;
    }
  }
}
