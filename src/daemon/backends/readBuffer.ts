// How backends read a program's output: into one fixed buffer (net's
// `onread`), each chunk copied out once at its size, instead of a stream
// that allocates and zero-fills 64 KiB for every read.

/**
 * One buffer for every reader: a chunk is copied out before its callback
 * returns, and callbacks never overlap (one thread), so 100 sessions do not
 * hold 100 of them.
 */
const shared = Buffer.allocUnsafe(64 * 1024);

/** `onread` options that hand each chunk to `onChunk` as a Buffer of its own. */
export function copyingRead(onChunk: (chunk: Buffer) => void): {
  buffer: Buffer;
  callback: (bytes: number, buffer: Uint8Array) => boolean;
} {
  return {
    buffer: shared,
    callback: (bytes) => {
      onChunk(Buffer.from(shared.subarray(0, bytes)));
      return true;
    },
  };
}
