import type { Attachment, YoloApproval } from '../../shared/protocol/agent.js';
import type { ToolName } from '../../shared/protocol/session.js';
import type { AgentStateMachine } from './stateMachine.js';

/** What the detectors read and change of a session's record. */
export interface AgentRecord {
  readonly id: string;
  readonly tool: ToolName;
  readonly workDir: string;
  readonly env: Record<string, string>;
  readonly createdAt: string;
  yoloMode: boolean;
  approvals: YoloApproval[];
  attachments: Attachment[];
  toolSessionId?: string;
}

/** The session as its detectors see it. */
export interface DetectorHost {
  readonly record: AgentRecord;
  isRunning(): boolean;
  readonly agent: AgentStateMachine;
  /** Bytes to the program, as if typed. */
  type(data: string): void;
  /** The last `bytes` of recorded output, and how much was ever recorded. */
  tail(bytes: number): Buffer;
  recordedBytes(): number;
  /** The visible screen as text, from the emulator; undefined when there is none. */
  screenText(): Promise<string | undefined>;
  approved(approval: YoloApproval): void;
  attached(attachment: Attachment): void;
  changed(): void;
}

/**
 * One thing kojo reads from a session (SPEC §10's sources, yolo, attachments,
 * tool session ids). The session runs them as a list; each hook is optional.
 */
export interface Detector {
  /** New output, once per loop turn: its last 8 KB, decoded only on demand. */
  output?(recent: Buffer, text: () => string): void;
  /** Someone typed into the session. */
  input?(): void;
  /** The program (re)started. */
  started?(): void;
  /** The program ended. */
  exited?(): void;
  /** Yolo was turned on or off. */
  yolo?(enabled: boolean): void;
}
