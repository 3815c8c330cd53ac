// Params and results of the methods that manage the daemon and its sessions
// (create, list, stop, yolo, watch, config, hooks, …); a session's terminal
// input and output are in terminalIo.ts.
import type { Attachment, HookSource, YoloApproval } from './agent.js';

export interface HelloResult {
  version: string;
  protocol: number;
  pid: number;
  home: string;
  startedAt: string;
  sessions: number;
  tmux: { used: boolean; reason?: string; version?: string };
  /** Set when the store could not be loaded and was moved aside. */
  storeProblem?: string;
}

export interface CreateParams {
  tool: string;
  args: string[];
  /** Absent: the daemon's home; relative: from it (a caller on another machine). */
  cwd?: string;
  /** The caller's environment; absent: the daemon's own (a caller on another machine). */
  env?: Record<string, string>;
  name?: string;
  yolo?: boolean;
  direct?: boolean;
  baseUrl?: string;
  cols?: number;
  rows?: number;
}

export interface SessionRef {
  session: string;
}

export interface RestartParams extends SessionRef {
  /** The caller's environment: secrets the store does not keep come from here. */
  env?: Record<string, string>;
}

export interface ListParams {
  all?: boolean;
}

export interface RemoveParams extends SessionRef {
  force?: boolean;
}

export interface YoloParams extends SessionRef {
  enabled?: boolean;
}

export interface YoloResult {
  id: string;
  yoloMode: boolean;
  approvals: YoloApproval[];
}

export interface AttachmentRemoveParams extends SessionRef {
  path: string;
}

export interface TmuxActionParams extends SessionRef {
  action: string;
}

export interface ConfigGetParams {
  key: string;
}

export interface ConfigSetParams {
  key: string;
  value: string;
}

export interface ToolInfo {
  available: boolean;
  path: string;
}

export type WatchTopic = 'yolo' | 'attachments';

export interface WatchParams extends SessionRef {
  topic: WatchTopic;
}

export interface WatchResult {
  id: string;
  /** What happened before the watch began (approvals or attachments), oldest first. */
  backlog: Array<YoloApproval | Attachment>;
}

/** Notifications sent on a watching connection. */
export const Notification = {
  YoloApproval: 'watch.yolo',
  AttachmentAdded: 'watch.attachment',
  SessionExited: 'watch.exited',
  StateChanged: 'events.state',
} as const;

/** One hook call: the event JSON as the agent sent it. */
export interface HookParams extends SessionRef {
  source: HookSource;
  event: Record<string, unknown>;
  /** The start of what the agent sent when it was not a JSON object: logged, nothing else. */
  malformed?: string;
}
