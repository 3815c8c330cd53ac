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
import { methods, type MethodContext, type StreamMethod } from './methods.js';
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
    const ctx: MethodContext = { ...this.base, socket, notify: (s, method, params) => this.notify(s, method, params) };
    let pending: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const nl = pending.indexOf(10);
        if (nl === -1) {
          if (pending.length > MAX_CONTROL_FRAME_BYTES) {
            this.send(socket, createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, tooLarge()));
            socket.off('data', onData);
            socket.end();
          }
          return;
        }
        if (nl > MAX_CONTROL_FRAME_BYTES) {
          this.send(socket, createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, tooLarge()));
          pending = pending.subarray(nl + 1);
          continue;
        }
        const line = pending.subarray(0, nl).toString('utf8');
        pending = pending.subarray(nl + 1);
        const request = parseRequest(line);
        if (!request.ok) {
          this.send(socket, request.error);
          continue;
        }
        if (isRequestFor(request.value, 'session.attach')) {
          socket.off('data', onData);
          this.startAttach(socket, request.value, pending);
          return;
        }
        if (isRequestFor(request.value, 'session.logs')) {
          socket.off('data', onData);
          void serveLogStream(socket, request.value, this.manager, this.base.outputLogs);
          return;
        }
        // receive() checks the JSON-RPC shape itself and answers Invalid Request.
        void this.rpc.receive(request.value as unknown as JSONRPCRequest, ctx).then((response) => {
          if (response) this.send(socket, response);
        });
      }
    };
    socket.on('data', onData);
    socket.resume();
  }

  private startAttach(socket: net.Socket, request: { id?: unknown; params?: unknown }, rest: Buffer): void {
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
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
          // Keys typed after the session ended go nowhere, as on a dead terminal.
          if (!readOnly && session.running) session.write(frame.data);
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

function tooLarge(): string {
  return `control frame larger than ${MAX_CONTROL_FRAME_BYTES} bytes`;
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; error: JSONRPCResponse };

function parseRequest(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: createJSONRPCErrorResponse(null, ErrorCode.ParseError, 'parse error: not JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, 'invalid request: expected a JSON-RPC object'),
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function isRequestFor(value: Record<string, unknown>, method: MethodName): boolean {
  return value.method === method;
}
