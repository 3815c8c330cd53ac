// Every control method: one table entry, one function (as tmux's commands).
import path from 'node:path';
import type { Socket } from 'node:net';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import type { Methods, MethodName } from '../../shared/protocol.js';
import { Notification, type HelloResult } from '../../shared/protocol/requests.js';
import type { SessionManager } from '../session/manager.js';
import type { Config } from '../config.js';
import type { OutputLogs } from '../session/outputLog.js';
import { send } from '../session/send.js';
import { waitFor } from '../session/waiter.js';

export interface MethodContext {
  manager: SessionManager;
  config: Config;
  hello(): HelloResult;
  shutdown(): void;
  /** The connection the request came on (for watches). */
  socket: Socket;
  notify(socket: Socket, method: string, params: unknown): void;
  tmuxOpen(ref: string): Promise<Methods['session.tmuxOpen']['result']>;
  tmuxAction(ref: string, action: string): Promise<void>;
  outputLogs: OutputLogs;
}

/** Methods whose connection becomes a byte stream after the answer (served in server.ts). */
export type StreamMethod = 'session.attach' | 'session.logs';

type Handler<M extends MethodName> = (
  params: Methods[M]['params'],
  ctx: MethodContext,
) => Methods[M]['result'] | Promise<Methods[M]['result']>;

export const methods: { [M in Exclude<MethodName, StreamMethod>]: Handler<M> } = {
  'daemon.hello': (_params, ctx) => ctx.hello(),

  'daemon.shutdown': (_params, ctx) => {
    setImmediate(() => ctx.shutdown());
    return { pid: process.pid };
  },

  'session.create': async (params, ctx) => (await ctx.manager.create(params)).info(),

  'session.list': (params, ctx) => ctx.manager.list(params.all ?? false).map((s) => s.info()),

  'session.get': (params, ctx) => ctx.manager.resolve(params.session).info(),

  'session.stop': async (params, ctx) => (await ctx.manager.stop(params.session)).info(),

  'session.remove': async (params, ctx) => ({
    id: (await ctx.manager.remove(params.session, params.force ?? false)).id,
  }),

  'session.restart': async (params, ctx) => (await ctx.manager.restart(params.session, params.env)).info(),

  'session.yolo': (params, ctx) => {
    const session = ctx.manager.resolve(params.session);
    if (params.enabled !== undefined) session.detection.setYolo(params.enabled);
    return { id: session.id, yoloMode: session.record.yoloMode, approvals: session.record.approvals };
  },

  'session.attachments': (params, ctx) => ctx.manager.resolve(params.session).detection.attachments(),

  'session.attachmentRemove': (params, ctx) => {
    const session = ctx.manager.resolve(params.session);
    const removed =
      session.detection.untrack(params.path) ||
      session.detection.untrack(path.resolve(session.record.workDir, params.path));
    if (!removed) throw new KojoError(ErrorCode.InvalidParams, `not an attachment of ${session.id}: ${params.path}`);
    return { removed };
  },

  'session.watch': (params, ctx) => {
    const session = ctx.manager.resolve(params.session);
    const { socket } = ctx;
    const onApproval = (approval: unknown): void => ctx.notify(socket, Notification.YoloApproval, approval);
    const onAttachment = (attachment: unknown): void => ctx.notify(socket, Notification.AttachmentAdded, attachment);
    const onExit = (info: unknown): void => ctx.notify(socket, Notification.SessionExited, info);
    if (params.topic === 'yolo') session.on('approval', onApproval);
    else session.on('attachment', onAttachment);
    session.on('exit', onExit);
    socket.once('close', () => {
      session.off('approval', onApproval);
      session.off('attachment', onAttachment);
      session.off('exit', onExit);
    });
    if (!session.running) setImmediate(() => onExit(session.info()));
    // Subscribed and read in the same turn: nothing falls between backlog and stream.
    const backlog = params.topic === 'yolo' ? [...session.record.approvals] : session.detection.attachments();
    return { id: session.id, backlog };
  },

  'session.tmuxOpen': (params, ctx) => ctx.tmuxOpen(params.session),

  'session.tmuxAction': async (params, ctx) => {
    await ctx.tmuxAction(params.session, params.action);
    return { ok: true };
  },

  'session.hook': (params, ctx) => ctx.manager.hook(params),

  'events.subscribe': (_params, ctx) => {
    const { socket } = ctx;
    const onState = (event: unknown): void => ctx.notify(socket, Notification.StateChanged, event);
    ctx.manager.states.on('state', onState);
    socket.once('close', () => ctx.manager.states.off('state', onState));
    return { sessions: ctx.manager.list(true).map((s) => s.info()) };
  },

  'config.get': (params, ctx) => ({ key: params.key, value: ctx.config.get(params.key) }),

  'config.set': (params, ctx) => {
    ctx.config.set(params.key, params.value);
    return { key: params.key, value: ctx.config.get(params.key) };
  },

  'session.send': (params, ctx) => send(ctx.manager.resolve(params.session), params),

  'session.wait': (params, ctx) => {
    const session = ctx.manager.resolve(params.session);
    const closed = new Promise<void>((resolve) => ctx.socket.once('close', () => resolve()));
    return waitFor(session, params, closed);
  },

  'session.capture': (params, ctx) => ctx.manager.resolve(params.session).capture(params),
};
