// The control protocol between CLI and daemon: JSON-RPC 2.0, one message per
// line on the Unix socket. This file is the method table; the types it names
// live in protocol/ by topic. Types only (plus a few name lists), so the CLI
// pays nothing to import them; the daemon validates params in
// src/daemon/control/validate.ts.
import type { Attachment, HookResult } from './protocol/agent.js';
import type { SessionInfo } from './protocol/session.js';
import type {
  AttachmentRemoveParams,
  ConfigGetParams,
  ConfigSetParams,
  CreateParams,
  HelloResult,
  HookParams,
  ListParams,
  RemoveParams,
  RestartParams,
  SessionRef,
  TmuxActionParams,
  WatchParams,
  WatchResult,
  YoloParams,
  YoloResult,
} from './protocol/requests.js';
import type {
  AttachParams,
  AttachResult,
  Capture,
  CaptureParams,
  LogsParams,
  LogsResult,
  SendParams,
  SendResult,
  WaitParams,
  WaitResult,
} from './protocol/terminalIo.js';

/** Every method: its params and its result, so client and server agree. */
export interface Methods {
  'daemon.hello': { params: Record<string, never>; result: HelloResult };
  'daemon.shutdown': { params: Record<string, never>; result: { pid: number } };
  'session.create': { params: CreateParams; result: SessionInfo };
  'session.list': { params: ListParams; result: SessionInfo[] };
  'session.get': { params: SessionRef; result: SessionInfo };
  'session.stop': { params: SessionRef; result: SessionInfo };
  'session.remove': { params: RemoveParams; result: { id: string } };
  'session.restart': { params: RestartParams; result: SessionInfo };
  'session.yolo': { params: YoloParams; result: YoloResult };
  'session.attachments': { params: SessionRef; result: Attachment[] };
  'session.attachmentRemove': { params: AttachmentRemoveParams; result: { removed: boolean } };
  'session.watch': { params: WatchParams; result: WatchResult };
  'session.tmuxOpen': { params: SessionRef; result: SessionInfo };
  'session.tmuxAction': { params: TmuxActionParams; result: { ok: true } };
  'session.attach': { params: AttachParams; result: AttachResult };
  'session.hook': { params: HookParams; result: HookResult };
  'events.subscribe': { params: Record<string, never>; result: { sessions: SessionInfo[] } };
  'config.get': { params: ConfigGetParams; result: { key: string; value: string } };
  'config.set': { params: ConfigSetParams; result: { key: string; value: string } };
  'session.send': { params: SendParams; result: SendResult };
  'session.wait': { params: WaitParams; result: WaitResult };
  'session.capture': { params: CaptureParams; result: Capture };
  'session.logs': { params: LogsParams; result: LogsResult };
}

export type MethodName = keyof Methods;
