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
  /** How it was approved: the agent's permission hook, or Enter typed at its screen. */
  via?: 'hook' | 'screen';
  /** The tool the agent ran (hook approvals), e.g. Bash or Edit. */
  tool?: string;
  /** The command or file it allowed. */
  input?: string;
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
  /** Exited with an earlier daemon, nobody saw how (no exit code): `kojo ls` shows `lost`. */
  lost?: boolean;
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

export interface SendParams extends SessionRef {
  /** Typed as a paste (bracketed when the program enabled bracketed paste). */
  text?: string;
  /** Enter after the text (default true; only when there is text). */
  enter?: boolean;
  /** Named keys (C-c, Escape, Enter, Up, …), sent after the text, in order. */
  keys?: string[];
}

export interface SendResult {
  id: string;
  /** Bytes written to the program. */
  bytes: number;
  /** Output position (bytes the session has printed so far) right after the write. */
  position: number;
  /** The session's agent state right after the write, for `wait` to see a new one. */
  state?: AgentState;
  stateSince?: string;
}

export interface WaitParams extends SessionRef {
  /** States that end the wait; an exit always does. Default: exited. */
  until?: AgentState[];
  /** Ignore the state the session is in now (as `send` saw it): wait for a new one. */
  after?: { state?: AgentState; stateSince?: string };
  /** For sessions without a state: end once output has been quiet this long (after some output). */
  quietMs?: number;
  timeoutMs?: number;
  /** Return the output printed since this position (as text with escapes). */
  outputSince?: number;
}

export interface WaitResult {
  id: string;
  reason: 'state' | 'exited' | 'quiet' | 'timeout';
  info: SessionInfo;
  /** Output since `outputSince` (raw bytes, base64), at most the scrollback ring. */
  output?: string;
}

export interface CaptureParams extends SessionRef {
  /** Keep colours and attributes as escape sequences. */
  escapes?: boolean;
  /** Scrollback lines above the screen. */
  scrollback?: number;
}

export interface Capture {
  cols: number;
  rows: number;
  /** Cursor on the screen, 0-based. */
  cursor: { x: number; y: number };
  /** Scrollback lines first, then the screen's rows; trailing blanks trimmed. */
  lines: string[];
}

export interface LogsParams extends SessionRef {
  /** Keep streaming live output until the session ends. */
  follow?: boolean;
}

/** Answer to session.logs; the connection then carries raw output bytes. */
export interface LogsResult {
  id: string;
  status: SessionStatus;
  /** Where the recorded part came from: the on-disk output log or the scrollback ring. */
  source: 'log' | 'ring';
  /** Bytes of recorded output that come first on the stream (live output follows with -f). */
  recorded: number;
}

/** Agent tools whose hooks or notify program call `kojo hook`. */
export const HOOK_SOURCES = ['claude', 'codex', 'gemini'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];

/** One hook call: the event JSON as the agent sent it. */
export interface HookParams extends SessionRef {
  source: HookSource;
  event: Record<string, unknown>;
}

export interface HookResult {
  /** Set when yolo approves a permission request: print the allow decision. */
  allow?: boolean;
}

/** A session's agent state changed (`kojo events`). */
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
