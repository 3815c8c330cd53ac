import type net from 'node:net';
import {
  JSONRPCServer,
  JSONRPCErrorException,
  createJSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { MAX_CONTROL_FRAME_BYTES } from '../../shared/limits.js';
import type { AttachParams, MethodName } from '../../shared/protocol.js';
import { FrameDecoder, FrameType } from '../../shared/attachStream.js';
import { LineReader } from '../../shared/lineReader.js';
import { methods, type MethodContext } from './methods.js';
import { ConnectionLimits } from './connectionLimits.js';
import { parseRequest, type RequestId } from './request.js';
import { paramSchemas, describeIssue } from './validate.js';
import type { SessionManager } from '../session/manager.js';

export type ContextBase = Omit<MethodContext, 'socket' | 'notify'>;

/**
 * Serves the control socket. Every connection speaks JSON-RPC 2.0, one
 * message per line, until a `session.attach` request: that connection then
 * becomes an attach stream (raw output down, binary frames up).
 */
export class ControlServer {
  private readonly rpc = new JSONRPCServer<MethodContext>({ errorListener: () => undefined });
  private readonly connections = new Set<net.Socket>();
  private readonly limits = new ConnectionLimits();

  constructor(
    private readonly server: net.Server,
    private readonly base: ContextBase,
    private readonly manager: SessionManager,
    private readonly log: (message: string) => void,
  ) {
    for (const [name, handler] of Object.entries(methods)) {
      const method = name as Exclude<MethodName, 'session.attach'>;
      this.rpc.addMethod(method, (params: unknown, ctx: MethodContext) => {
        const parsed = paramSchemas[method].safeParse(params ?? {});
        if (!parsed.success) throw new JSONRPCErrorException(describeIssue(parsed.error), ErrorCode.InvalidParams);
        return (handler as (p: unknown, c: MethodContext) => unknown)(parsed.data, ctx) as never;
      });
    }
    this.rpc.applyMiddleware(async (next, request, ctx) => {
      try {
        return await next(request, ctx);
      } catch (error) {
        if (error instanceof KojoError) throw new JSONRPCErrorException(error.message, error.code);
        if (error instanceof JSONRPCErrorException) throw error;
        this.log(`internal error in ${request.method}: ${(error as Error).stack ?? String(error)}`);
        throw new JSONRPCErrorException(`internal error: ${(error as Error).message}`, ErrorCode.Internal);
      }
    });
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Close every connection (attachers see the stream end). */
  closeAll(): void {
    this.server.close();
    for (const socket of this.connections) socket.destroy();
  }

  accept(socket: net.Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let inFlight = 0;
    const refuse = (message: string): void =>
      this.send(socket, createJSONRPCErrorResponse(null, ErrorCode.Internal, message));
    if (!this.limits.admit(socket, () => inFlight > 0, refuse)) return;
    const ctx: MethodContext = { ...this.base, socket, notify: (s, method, params) => this.notify(s, method, params) };
    const lines = new LineReader(MAX_CONTROL_FRAME_BYTES);
    const onData = (chunk: Buffer): void => {
      lines.feed(chunk);
      for (;;) {
        let line: string | undefined;
        try {
          line = lines.next();
        } catch (error) {
          // Past the limit there is no telling where the next request starts: answer, then close.
          this.send(socket, createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, (error as Error).message));
          socket.off('data', onData);
          socket.end();
          return;
        }
        if (line === undefined) return;
        const request = parseRequest(line);
        if (!request.ok) {
          this.send(socket, request.error);
          continue;
        }
        if (request.value.method === 'session.attach') {
          socket.off('data', onData);
          this.limits.release(socket);
          this.startAttach(socket, request.value, request.id, lines.rest());
          return;
        }
        const watch = request.value.method === 'session.watch';
        inFlight++;
        // receive() checks the JSON-RPC shape itself and answers Invalid Request.
        void this.rpc.receive(request.value as unknown as JSONRPCRequest, ctx).then((response) => {
          inFlight--;
          // A watch that began idles by design; a refused one stays counted.
          if (watch && response && !('error' in response && response.error)) this.limits.release(socket);
          if (response) this.send(socket, response);
        });
      }
    };
    socket.on('data', onData);
    socket.resume();
  }

  private startAttach(socket: net.Socket, request: { params?: unknown }, id: RequestId, rest: Buffer): void {
    const fail = (code: number, message: string): void => {
      this.send(socket, createJSONRPCErrorResponse(id, code, message));
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
    this.send(socket, { jsonrpc: '2.0', id, result: { id: session.id, status: session.record.status } });
    const readOnly = params.readOnly ?? false;
    session.attach(socket, { cols: params.cols, rows: params.rows, readOnly, raw: params.replay === 'raw' });
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
          if (!readOnly) session.write(frame.data);
        } else if (frame.type === FrameType.Resize) {
          if (!readOnly) session.resize(frame.cols, frame.rows);
        } else {
          socket.end();
        }
      }
    };
    socket.on('data', onFrames);
    if (rest.length) onFrames(rest);
  }

  private notify(socket: net.Socket, method: string, params: unknown): void {
    if (!socket.destroyed) socket.write(JSON.stringify({ jsonrpc: '2.0', method, params }) + '\n');
  }

  private send(socket: net.Socket, message: JSONRPCResponse): void {
    if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
  }
}
