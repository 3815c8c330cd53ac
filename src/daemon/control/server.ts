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
import type { MethodName } from '../../shared/protocol.js';
import { LineReader } from '../../shared/lineReader.js';
import { AttachConnections } from './attachConnection.js';
import { methods, type MethodContext, type StreamMethod } from './methods.js';
import { ConnectionLimits } from './connectionLimits.js';
import { parseRequest } from './request.js';
import { paramSchemas, describeIssue } from './validate.js';
import { serveLogStream } from './logStream.js';
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
  private readonly attaches: AttachConnections;

  constructor(
    private readonly server: net.Server,
    private readonly base: ContextBase,
    private readonly manager: SessionManager,
    private readonly log: (message: string) => void,
  ) {
    for (const [name, handler] of Object.entries(methods)) {
      const method = name as Exclude<MethodName, StreamMethod>;
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
    this.attaches = new AttachConnections(manager, log);
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Close every connection (attachers see the stream end). */
  closeAll(): void {
    this.server.close();
    this.attaches.closeAll();
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
          this.connections.delete(socket);
          this.attaches.start(socket, request.value, lines.rest());
          return;
        }
        if (request.value.method === 'session.logs') {
          socket.off('data', onData);
          this.limits.release(socket);
          this.connections.delete(socket);
          void serveLogStream(socket, request.value, this.manager, this.base.outputLogs);
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

  private notify(socket: net.Socket, method: string, params: unknown): void {
    if (!socket.destroyed) socket.write(JSON.stringify({ jsonrpc: '2.0', method, params }) + '\n');
  }

  private send(socket: net.Socket, message: JSONRPCResponse): void {
    if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
  }
}
