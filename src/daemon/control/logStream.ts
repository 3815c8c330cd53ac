// `session.logs`: like an attach, the connection turns into a byte stream
// after the answer — the recorded output (the on-disk output log when it is
// on, else the scrollback ring), then with `follow` live output until the
// session ends. Read-only; never a JSON message per chunk.
import type net from 'node:net';
import { createJSONRPCErrorResponse, type JSONRPCResponse } from 'json-rpc-2.0';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { RAW_ATTACHER_QUEUE_BYTES } from '../../shared/limits.js';
import type { LogsResult } from '../../shared/protocol/terminalIo.js';
import type { SessionManager } from '../session/manager.js';
import type { OutputLogs } from '../session/outputLog.js';
import { paramSchemas, describeIssue } from './validate.js';

export async function serveLogStream(
  socket: net.Socket,
  request: { id?: unknown; params?: unknown },
  manager: SessionManager,
  outputLogs: OutputLogs,
): Promise<void> {
  const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
  const send = (message: JSONRPCResponse): void => {
    if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
  };
  const parsed = paramSchemas['session.logs'].safeParse(request.params ?? {});
  if (!parsed.success) {
    send(createJSONRPCErrorResponse(id, ErrorCode.InvalidParams, describeIssue(parsed.error)));
    return void socket.end();
  }
  let session;
  try {
    session = manager.resolve(parsed.data.session);
  } catch (error) {
    const e = error as KojoError;
    send(createJSONRPCErrorResponse(id, e.code ?? ErrorCode.Internal, e.message));
    return void socket.end();
  }

  // Everything up to now is recorded; what comes after arrives as 'output'.
  session.flushOutput();
  const snapshot = outputLogs.enabled ? outputLogs.snapshot(session.id) : undefined;
  const ring = snapshot ? undefined : session.ring.bytes();
  const follow = (parsed.data.follow ?? false) && session.running;
  let live: Buffer[] | undefined = [];
  let ended = !follow;
  const onOutput = (batch: Buffer[]): void => {
    if (live) return void live.push(...batch);
    write(batch);
  };
  const onExit = (): void => {
    ended = true;
    if (!live) socket.end();
  };
  const cleanup = (): void => {
    session.off('output', onOutput);
    session.off('exit', onExit);
  };
  const write = (batch: Buffer[]): void => {
    // A reader this far behind cannot be caught up without losing bytes: drop it.
    if (socket.writableLength > RAW_ATTACHER_QUEUE_BYTES) return void socket.destroy();
    socket.cork();
    for (const chunk of batch) socket.write(chunk);
    socket.uncork();
  };
  if (follow) {
    session.on('output', onOutput);
    session.on('exit', onExit);
  }
  socket.once('close', cleanup);

  let recorded: Buffer;
  try {
    recorded = ring ?? (await snapshot!());
  } catch (error) {
    cleanup();
    send(createJSONRPCErrorResponse(id, ErrorCode.Internal, `cannot read the output log: ${(error as Error).message}`));
    return void socket.end();
  }
  const result: LogsResult = {
    id: session.id,
    status: session.record.status,
    source: ring ? 'ring' : 'log',
    recorded: recorded.length,
  };
  send({ jsonrpc: '2.0', id, result });
  socket.write(recorded);
  const queued = live;
  live = undefined;
  write(queued);
  if (ended) {
    cleanup();
    socket.end();
  }
}
