// What kojo keeps of a session (the store's shape) and the JSON view of it
// that clients see: apart from Session so the store and views need no class.
import type { Attachment, YoloApproval } from '../../shared/protocol/agent.js';
import type { SessionInfo, SessionStatus, ToolName } from '../../shared/protocol/session.js';
import type { BackendState } from '../backends/backend.js';
import type { AgentStateMachine } from '../agents/stateMachine.js';

/** What the store keeps of a session. */
export interface SessionRecord {
  id: string;
  name?: string;
  tool: ToolName;
  workDir: string;
  /** The user's arguments, as given (for exec: program first). */
  args: string[];
  /** Absolute path of the program run. */
  command: string;
  env: Record<string, string>;
  status: SessionStatus;
  exitCode?: number;
  exitSignal?: string;
  yoloMode: boolean;
  approvals: YoloApproval[];
  internal?: boolean;
  createdAt: string;
  exitedAt?: string;
  toolSessionId?: string;
  parentId?: string;
  /** Which backend holds the program, and that backend's own state. */
  backend: BackendState;
  /** It ended with an earlier daemon and nobody saw how (exit code unknown). */
  lost?: boolean;
  lastCols: number;
  lastRows: number;
  attachments: Attachment[];
  /** Last 8 KB of output, base64 (bytes, not text). */
  lastOutput?: string;
  baseUrl?: string;
}

/** What only the live session knows, beside its record. */
export interface LiveState {
  /** Terminals attached right now. */
  attached: number;
  agent: Pick<AgentStateMachine, 'state' | 'since' | 'source' | 'attention'>;
  /** The program's pid, while it runs. */
  pid: number | undefined;
}

/** The session as clients see it (`kojo ls`, `kojo inspect`, …). */
export function sessionInfo(r: SessionRecord, live: LiveState): SessionInfo {
  const info: SessionInfo = {
    id: r.id,
    tool: r.tool,
    workDir: r.workDir,
    args: r.args,
    command: r.command,
    status: r.status,
    yoloMode: r.yoloMode,
    yoloApprovals: r.approvals.length,
    createdAt: r.createdAt,
    lastCols: r.lastCols,
    lastRows: r.lastRows,
    attachments: r.attachments,
    attached: live.attached,
    state: live.agent.state,
    stateSince: live.agent.since,
    stateSource: live.agent.source,
    attention: live.agent.attention,
  };
  if (r.name !== undefined) info.name = r.name;
  if (r.exitCode !== undefined) info.exitCode = r.exitCode;
  if (r.exitSignal !== undefined) info.exitSignal = r.exitSignal;
  if (r.internal) info.internal = true;
  if (r.exitedAt !== undefined) info.exitedAt = r.exitedAt;
  if (r.toolSessionId !== undefined) info.toolSessionId = r.toolSessionId;
  if (r.parentId !== undefined) info.parentId = r.parentId;
  if (r.backend.kind === 'tmux') info.tmuxSessionName = r.backend.session;
  if (r.lost) info.lost = true;
  if (live.pid !== undefined) info.pid = live.pid;
  return info;
}
