import type { Duplex } from 'node:stream';
import type { JSONRPCRequest } from 'json-rpc-2.0';
import { MAX_CONTROL_FRAME_BYTES } from '../../shared/limits.js';
import { LineReader } from '../../shared/lineReader.js';
import type { Methods } from '../../shared/protocol.js';
import { CliError } from '../output.js';

type Attach = Methods['session.attach'];

/**
 * Sends the typed `session.attach` request and reads its one answer line
 * from what `take` is given; what follows it on the socket is the attach
 * stream (`rest` is its start). `take` copies what it keeps (a chunk may be
 * a reused buffer) and returns false once the answer is in: stop reading.
 */
export function handshake(
  socket: Duplex,
  params: Attach['params'],
): { take(chunk: Buffer): boolean; answer: Promise<{ result: Attach['result']; rest: Buffer }> } {
  const request: JSONRPCRequest = { jsonrpc: '2.0', id: 1, method: 'session.attach', params };
  socket.write(JSON.stringify(request) + '\n');
  const lines = new LineReader(MAX_CONTROL_FRAME_BYTES);
  let settle: { resolve(value: { result: Attach['result']; rest: Buffer }): void; reject(error: Error): void };
  let done = false;
  const answer = new Promise<{ result: Attach['result']; rest: Buffer }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (error: Error): false => {
    done = true;
    socket.off('close', onClose);
    socket.destroy();
    settle.reject(error);
    return false;
  };
  const onClose = (): boolean => fail(new CliError('lost connection to the kojo daemon'));
  socket.on('close', onClose);
  const take = (chunk: Buffer): boolean => {
    if (done) return false;
    let line: string | undefined;
    try {
      lines.feed(Buffer.from(chunk));
      line = lines.next();
    } catch {
      return fail(new CliError('bad answer from the kojo daemon'));
    }
    if (line === undefined) return true;
    done = true;
    socket.off('close', onClose);
    const parsed = parseAnswer(line);
    if ('error' in parsed) return fail(new CliError(parsed.error));
    settle.resolve({ result: parsed.result, rest: lines.rest() });
    return false;
  };
  return { take, answer };
}

function parseAnswer(line: string): { result: Attach['result'] } | { error: string } {
  try {
    const message = JSON.parse(line) as { result?: Partial<Attach['result']>; error?: { message?: unknown } };
    if (message.error) return { error: String(message.error.message ?? 'attach refused') };
    const result = message.result;
    if (result && typeof result.id === 'string' && typeof result.status === 'string') {
      return { result: { id: result.id, status: result.status } };
    }
  } catch {
    // Not JSON: said below.
  }
  return { error: 'bad answer from the kojo daemon' };
}
