// The attach connection. After the one-line JSON-RPC `session.attach`
// handshake, both directions carry small binary frames:
//   [type: u8][length: u32 BE][payload]
// Daemon → client: Output frames hold the session's bytes untouched (the
// daemon writes header and chunk separately under cork: no copy), and one End
// frame says why the stream ended. Client → daemon: input, resize, detach.

import { MAX_ATTACH_FRAME_BYTES, normalizeSize } from './limits.js';

export const FrameType = { Input: 1, Resize: 2, Detach: 3 } as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export const ServerFrameType = { Output: 1, End: 2 } as const;

/** Why an attach stream ended, sent in its last frame. */
export type EndReason =
  | { reason: 'exited'; code?: number; signal?: string }
  /** It ended with an earlier daemon, which never learned how (direct sessions at a kill -9). */
  | { reason: 'lost' }
  | { reason: 'dropped'; limitBytes: number }
  | { reason: 'shutdown' };

export type ClientFrame =
  | { type: typeof FrameType.Input; data: Buffer }
  | { type: typeof FrameType.Resize; cols: number; rows: number }
  | { type: typeof FrameType.Detach };

export const FRAME_HEADER_BYTES = 5;

function header(type: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  out.writeUInt8(type, 0);
  out.writeUInt32BE(length, 1);
  return out;
}

function frame(type: number, payload: Buffer): Buffer {
  return Buffer.concat([header(type, payload.length), payload]);
}

/** The header of an Output frame; the payload is written after it as is. */
export function outputHeader(length: number): Buffer {
  return header(ServerFrameType.Output, length);
}

export function encodeEnd(end: EndReason): Buffer {
  return frame(ServerFrameType.End, Buffer.from(JSON.stringify(end)));
}

export function encodeInput(data: Buffer): Buffer {
  return frame(FrameType.Input, data);
}

export function encodeResize(cols: number, rows: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt16BE(cols, 0);
  payload.writeUInt16BE(rows, 2);
  return frame(FrameType.Resize, payload);
}

export function encodeDetach(): Buffer {
  return frame(FrameType.Detach, Buffer.alloc(0));
}

/** Incremental decoder of client frames; throws on a frame it cannot accept. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ClientFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: ClientFrame[] = [];
    while (this.pending.length >= FRAME_HEADER_BYTES) {
      const type = this.pending.readUInt8(0);
      const length = this.pending.readUInt32BE(1);
      if (length > MAX_ATTACH_FRAME_BYTES) throw new Error(`attach frame too large (${length} bytes)`);
      if (this.pending.length < FRAME_HEADER_BYTES + length) break;
      const payload = this.pending.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length);
      this.pending = this.pending.subarray(FRAME_HEADER_BYTES + length);
      frames.push(decodeFrame(type, payload));
    }
    return frames;
  }
}

function decodeFrame(type: number, payload: Buffer): ClientFrame {
  switch (type) {
    case FrameType.Input:
      return { type, data: payload };
    case FrameType.Resize:
      if (payload.length !== 4) throw new Error('bad resize frame');
      return { type, ...normalizeSize(payload.readUInt16BE(0), payload.readUInt16BE(2)) };
    case FrameType.Detach:
      return { type };
    default:
      throw new Error(`unknown attach frame type ${type}`);
  }
}

/**
 * Decodes the daemon's frames without copying output: payloads are handed on
 * as views of the received chunk, split where a frame crosses a chunk. Those
 * views live only as long as the chunk: nothing of it is kept past push().
 */
export class OutputDecoder {
  private head = Buffer.alloc(FRAME_HEADER_BYTES);
  private headBytes = 0;
  private type = 0;
  /** Payload bytes of the current frame still to come. */
  private left = 0;
  private endParts: Buffer[] = [];

  constructor(
    private readonly onOutput: (data: Buffer) => void,
    private readonly onEnd: (end: EndReason) => void,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left === 0 && this.headBytes < FRAME_HEADER_BYTES) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headBytes, chunk.length - at);
        chunk.copy(this.head, this.headBytes, at, at + take);
        this.headBytes += take;
        at += take;
        if (this.headBytes < FRAME_HEADER_BYTES) return;
        this.type = this.head.readUInt8(0);
        this.left = this.head.readUInt32BE(1);
        if (this.type !== ServerFrameType.Output && this.type !== ServerFrameType.End)
          throw new Error(`unknown frame type ${this.type} from the daemon`);
        if (this.type === ServerFrameType.End && this.left > 4096) throw new Error('oversized end frame');
        if (this.left === 0) this.complete();
        continue;
      }
      const take = Math.min(this.left, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      this.left -= take;
      if (this.type === ServerFrameType.Output) this.onOutput(piece);
      else this.endParts.push(Buffer.from(piece)); // the chunk's buffer may be reused
      if (this.left === 0) this.complete();
    }
  }

  private complete(): void {
    this.headBytes = 0;
    if (this.type !== ServerFrameType.End) return;
    this.onEnd(parseEnd(Buffer.concat(this.endParts).toString('utf8')));
    this.endParts = [];
  }
}

function parseEnd(text: string): EndReason {
  const value = JSON.parse(text) as Partial<Record<string, unknown>>;
  if (value.reason === 'exited') {
    const end: EndReason = { reason: 'exited' };
    if (typeof value.code === 'number') end.code = value.code;
    if (typeof value.signal === 'string') end.signal = value.signal;
    return end;
  }
  if (value.reason === 'dropped' && typeof value.limitBytes === 'number')
    return { reason: 'dropped', limitBytes: value.limitBytes };
  if (value.reason === 'shutdown') return { reason: 'shutdown' };
  if (value.reason === 'lost') return { reason: 'lost' };
  throw new Error('bad end frame from the daemon');
}
