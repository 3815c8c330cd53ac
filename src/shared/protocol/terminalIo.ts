// Params and results of the methods that talk to a session's terminal:
// attach, send, wait, capture and logs.
import type { AgentState } from './agent.js';
import type { SessionRef } from './requests.js';
import type { SessionInfo, SessionStatus } from './session.js';

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
