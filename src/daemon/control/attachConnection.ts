import type net from 'node:net';
import { createJSONRPCErrorResponse, type JSONRPCResponse } from 'json-rpc-2.0';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import type { AttachParams } from '../../shared/protocol/terminalIo.js';
import { FrameDecoder, FrameType, encodeEnd } from '../../shared/attachStream.js';
import { paramSchemas, describeIssue } from './validate.js';
import type { SessionManager } from '../session/manager.js';

/** How long a closing attach stream may take to deliver its End frame at shutdown. */
const SHUTDOWN_FLUSH_MS = 500;

/**
 * Attach connections: after the `session.attach` handshake line, the socket
 * carries frames both ways (shared/attachStream.ts) until either side ends it.
 */
export class AttachConnections {
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly manager: SessionManager,
    private readonly log: (message: string) => void,
  ) {}

  /** Turn a control connection into an attach stream; `rest` is what followed the request line. */
  start(socket: net.Socket, request: { id?: unknown; params?: unknown }, rest: Buffer): void {
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    const fail = (code: number, message: string): void => {
      send(socket, createJSONRPCErrorResponse(id, code, message));
      socket.end();
    };
    const parsed = paramSchemas['session.attach'].safeParse(request.params ?? {});
    if (!parsed.success) return fail(ErrorCode.InvalidParams, describeIssue(parsed.error));
    const params: AttachParams = parsed.data;
    let session;
    try {
      session = this.manager.resolve(params.session);
    } catch (error) {
      const e = error as KojoError;
      return fail(e.code ?? ErrorCode.Internal, e.message);
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    send(socket, { jsonrpc: '2.0', id, result: { id: session.id, status: session.record.status } });
    const readOnly = params.readOnly ?? false;
    const attacher = session.viewers.attach(socket, {
      cols: params.cols,
      rows: params.rows,
      readOnly,
      raw: params.replay === 'raw',
    });
    const decoder = new FrameDecoder();
    const onFrames = (chunk: Buffer): void => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        this.log(`attach ${session.id}: ${(error as Error).message}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        if (frame.type === FrameType.Input) {
          // Keys typed after the session ended go nowhere, as on a dead terminal.
          if (!readOnly && session.running) session.write(frame.data);
        } else if (frame.type === FrameType.Resize) {
          if (!readOnly) session.viewers.resize(frame.cols, frame.rows, attacher);
        } else {
          // Detached: nothing after it is the user's to act on.
          socket.off('data', onFrames);
          socket.end();
          return;
        }
      }
    };
    socket.on('data', onFrames);
    if (rest.length) onFrames(rest);
  }

  /** The daemon is going away: every stream ends saying so. */
  closeAll(): void {
    for (const socket of this.sockets) {
      socket.removeAllListeners('data');
      if (socket.writableEnded) continue;
      socket.end(encodeEnd({ reason: 'shutdown' }));
      setTimeout(() => socket.destroy(), SHUTDOWN_FLUSH_MS).unref();
    }
  }
}

function send(socket: net.Socket, message: JSONRPCResponse): void {
  if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
}
