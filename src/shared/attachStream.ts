// The attach connection. After the one-line JSON-RPC `session.attach`
// handshake, daemon → client is the PTY's raw byte stream, untouched. Client →
// daemon is a sequence of small binary frames, so that resize and detach can
// travel beside typed input without ever touching the output bytes:
//   [type: u8][length: u32 BE][payload]

import { MAX_ATTACH_FRAME_BYTES, normalizeSize } from './limits.js';

export const FrameType = { Input: 1, Resize: 2, Detach: 3 } as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export type ClientFrame =
  | { type: typeof FrameType.Input; data: Buffer }
  | { type: typeof FrameType.Resize; cols: number; rows: number }
  | { type: typeof FrameType.Detach };

const HEADER = 5;

function frame(type: FrameTypeValue, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt8(type, 0);
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, HEADER);
  return out;
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

/** Incremental decoder; throws on a frame it cannot accept. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ClientFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: ClientFrame[] = [];
    while (this.pending.length >= HEADER) {
      const type = this.pending.readUInt8(0);
      const length = this.pending.readUInt32BE(1);
      if (length > MAX_ATTACH_FRAME_BYTES) throw new Error(`attach frame too large (${length} bytes)`);
      if (this.pending.length < HEADER + length) break;
      const payload = this.pending.subarray(HEADER, HEADER + length);
      this.pending = this.pending.subarray(HEADER + length);
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
