// What kojo reads of the agent in a session: its state (SPEC §10), the yolo
// approvals and attachments it tracks, and the hooks agents call. Shared by
// the daemon's detectors and the CLI that shows them.

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

/** Agent tools whose hooks or notify program call `kojo hook`. */
export const HOOK_SOURCES = ['claude', 'codex', 'gemini'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];

export interface HookResult {
  /** Set when yolo approves a permission request: print the allow decision. */
  allow?: boolean;
}
