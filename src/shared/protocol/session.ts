// A session as clients see it: its tool, status and the JSON view of it
// (SessionInfo), and the event sent when its agent state changes.
import type { AgentState, Attachment, StateSource } from './agent.js';

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
