// How backends read a program's output: into one fixed buffer (net's
// `onread`), each chunk copied out once at its size, instead of a stream
// that allocates and zero-fills 64 KiB for every read.

const READ_BUFFER_BYTES = 64 * 1024;

/** `onread` options that hand each chunk to `onChunk` as a Buffer of its own. */
export function copyingRead(onChunk: (chunk: Buffer) => void): {
  buffer: Buffer;
  callback: (bytes: number, buffer: Uint8Array) => boolean;
} {
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return {
    buffer,
    callback: (bytes) => {
      onChunk(Buffer.from(buffer.subarray(0, bytes)));
      return true;
    },
  };
}
