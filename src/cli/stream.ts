// A connection that turns into a byte stream after its one JSON-RPC answer
// (`session.logs`), as attach does.
import type net from 'node:net';
import { statePaths } from '../shared/paths.js';
import { MAX_CONTROL_FRAME_BYTES } from '../shared/limits.js';
import type { Methods } from '../shared/protocol.js';
import { connectDaemon, tryConnect } from './client.js';
import { CliError } from './output.js';

type StreamMethod = 'session.logs';

export async function openStream<M extends StreamMethod>(
  method: M,
  params: Methods[M]['params'],
): Promise<{ socket: net.Socket; result: Methods[M]['result']; rest: Buffer }> {
  // The daemon is started (and its version checked) by a control connection.
  (await connectDaemon()).close();
  const socket = await tryConnect(statePaths().socket);
  if (!socket) throw new CliError('lost connection to the kojo daemon');
  socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) + '\n');
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      const nl = pending.indexOf(10);
      if (nl === -1) {
        if (pending.length > MAX_CONTROL_FRAME_BYTES) fail(new CliError('bad answer from the kojo daemon'));
        return;
      }
      let message: { result?: Methods[M]['result']; error?: { message: string } };
      try {
        message = JSON.parse(pending.subarray(0, nl).toString('utf8')) as typeof message;
      } catch {
        return fail(new CliError('bad answer from the kojo daemon'));
      }
      if (message.error || !message.result) return fail(new CliError(message.error?.message ?? 'bad answer'));
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve({ socket, result: message.result, rest: pending.subarray(nl + 1) });
    };
    const onClose = (): void => fail(new CliError('lost connection to the kojo daemon'));
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => undefined);
  });
}
