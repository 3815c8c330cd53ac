import type { Duplex } from 'node:stream';
import type { JSONRPCRequest } from 'json-rpc-2.0';
import { MAX_CONTROL_FRAME_BYTES } from '../../shared/limits.js';
import { LineReader } from '../../shared/lineReader.js';
import type { Methods } from '../../shared/protocol.js';
import { CliError } from '../output.js';

type Attach = Methods['session.attach'];

/**
 * Sends the typed `session.attach` request and reads its one answer line;
 * what follows it on the socket is the attach stream (`rest` is its start).
 */
export function handshake(
  socket: Duplex,
  params: Attach['params'],
): Promise<{ result: Attach['result']; rest: Buffer }> {
  const request: JSONRPCRequest = { jsonrpc: '2.0', id: 1, method: 'session.attach', params };
  socket.write(JSON.stringify(request) + '\n');
  return new Promise((resolve, reject) => {
    const lines = new LineReader(MAX_CONTROL_FRAME_BYTES);
    const onData = (chunk: Buffer): void => {
      let line: string | undefined;
      try {
        lines.feed(chunk);
        line = lines.next();
      } catch {
        return fail(new CliError('bad answer from the kojo daemon'));
      }
      if (line === undefined) return;
      cleanup();
      socket.pause();
      const answer = parseAnswer(line);
      if ('error' in answer) {
        socket.destroy();
        return reject(new CliError(answer.error));
      }
      resolve({ result: answer.result, rest: lines.rest() });
    };
    const onClose = (): void => fail(new CliError('lost connection to the kojo daemon'));
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
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
