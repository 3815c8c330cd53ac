// The control protocol between CLI and daemon: JSON-RPC 2.0, one message per
// line on the Unix socket. Types only (plus method names), so the CLI pays
// nothing to import it; the daemon validates params in src/daemon/validate.ts.

export const TOOL_NAMES = ['claude', 'codex', 'gemini', 'custom', 'tmux', 'exec'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The program behind each tool (custom is claude at another endpoint); exec runs its first argument. */
export const TOOL_EXECUTABLE: Record<ToolName, string | undefined> = {
  claude: 'claude',
  custom: 'claude',
  codex: 'codex',
  gemini: 'gemini',
  tmux: 'tmux',
  exec: undefined,
};

export type SessionStatus = 'running' | 'exited';

/**
 * What an agent is doing (SPEC §10): starting, working, idle (waits for its
 * next prompt), asking (a permission or question prompt waits), exited.
 */
export const AGENT_STATES = ['starting', 'working', 'idle', 'asking', 'exited'] as const;
export type AgentState = (typeof AGENT_STATES)[number];
/** Where the state came from: the agent's own hooks, or the emulated screen. */
export type StateSource = 'hook' | 'screen';

export interface Attachment {
  path: string;
  name: string;
  size: number;
  mime: string;
  modTime: string;
  createdAt: string;
}

export interface YoloApproval {
  time: string;
  matched: string;
}

/** The seed's SessionInfo field names, plus kojo's own. */
export interface SessionInfo {
  id: string;
  name?: string;
  tool: ToolName;
  workDir: string;
  args: string[];
  /** Executable actually run (absolute path). */
  command?: string;
  status: SessionStatus;
  exitCode?: number;
  /** Signal that ended the program, when one did. */
  exitSignal?: string;
  yoloMode: boolean;
  yoloApprovals: number;
  internal?: boolean;
  createdAt: string;
  exitedAt?: string;
  toolSessionId?: string;
  parentId?: string;
  tmuxSessionName?: string;
  lastCols?: number;
  lastRows?: number;
  attachments?: Attachment[];
  /** Number of terminals attached right now. */
  attached: number;
  pid?: number;
  /** Agent state (SPEC §10); filled by src/daemon/agents. */
  state?: AgentState;
  stateSince?: string;
  stateSource?: StateSource;
  /** A change to idle/asking not yet seen at any attached terminal. */
  attention?: boolean;
}

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
  cwd: string;
  env: Record<string, string>;
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

export interface AttachParams extends SessionRef {
  cols: number;
  rows: number;
  readOnly?: boolean;
  /**
   * screen (default): the emulated screen, modes and recent scrollback, for a
   * terminal. raw: the recorded output bytes as they were, for a file or pipe.
   */
  replay?: 'screen' | 'raw';
}

export interface AttachResult {
  id: string;
  status: SessionStatus;
}

// TEMPORARY (top branch): from the agents and scripting branches; take theirs at merge.
export interface CaptureParams extends SessionRef {
  escapes?: boolean;
  scrollback?: number;
}
export interface Capture {
  cols: number;
  rows: number;
  cursor: { x: number; y: number };
  lines: string[];
}
export interface StateEvent {
  id: string;
  name?: string;
  tool: ToolName;
  time: string;
  state: AgentState;
  previous: AgentState;
  stateSince: string;
  stateSource: StateSource;
  attention: boolean;
  message?: string;
}

/** Every method: its params and its result, so client and server agree. */
export interface Methods {
  'daemon.hello': { params: Record<string, never>; result: HelloResult };
  'daemon.shutdown': { params: Record<string, never>; result: { pid: number } };
  'session.create': { params: CreateParams; result: SessionInfo };
  'session.list': { params: ListParams; result: SessionInfo[] };
  'session.get': { params: SessionRef; result: SessionInfo };
  'session.stop': { params: SessionRef; result: SessionInfo };
  'session.remove': { params: RemoveParams; result: { id: string } };
  'session.restart': { params: SessionRef; result: SessionInfo };
  'session.yolo': { params: YoloParams; result: YoloResult };
  'session.attachments': { params: SessionRef; result: Attachment[] };
  'session.attachmentRemove': { params: AttachmentRemoveParams; result: { removed: boolean } };
  'session.watch': { params: WatchParams; result: WatchResult };
  'session.tmuxOpen': { params: SessionRef; result: SessionInfo };
  'session.tmuxAction': { params: TmuxActionParams; result: { ok: true } };
  'session.attach': { params: AttachParams; result: AttachResult };
  'session.capture': { params: CaptureParams; result: Capture };
  'events.subscribe': { params: Record<string, never>; result: { sessions: SessionInfo[] } };
  'config.get': { params: ConfigGetParams; result: { key: string; value: string } };
  'config.set': { params: ConfigSetParams; result: { key: string; value: string } };
}

export type MethodName = keyof Methods;
