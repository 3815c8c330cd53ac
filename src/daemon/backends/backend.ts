/** How a session's program is run: a direct PTY, or a pane inside tmux. */
export interface Backend {
  /** The program's own pid (not a wrapper's), once known. */
  readonly pid: number | undefined;
  /** Settles once the program is started (tmux needs a few commands). */
  readonly ready?: Promise<void>;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  /** Ask the program to end (SIGTERM). */
  terminate(): void;
  /** End it now (SIGKILL; for tmux also its tmux session). */
  kill(): void;
  /**
   * Leave the program running, stop watching it (backends whose sessions
   * outlive the daemon, at shutdown). `modes` are the terminal modes the
   * emulator saw set, for a backend that cannot report them itself.
   */
  detach(modes?: string): void;
  /** Stop reading output until resume() (flow control); the program is then paced by its terminal. */
  pause(): void;
  resume(): void;
}

export interface BackendEvents {
  /** Raw output bytes; the buffer is the backend's and is never reused. */
  onData(chunk: Buffer): void;
  /** Called once, after every output byte was delivered through onData. */
  onExit(exitCode: number | undefined, signal: string | undefined): void;
}

/** A program to run, and its terminal's size. */
export interface ProgramSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

export interface SpawnRequest extends ProgramSpec {
  /** The session's id: names what a backend keeps outside the daemon. */
  sessionId: string;
  /** A terminal (tool `tmux`): a backend may draw it itself (tmux windows and splits). */
  terminal: boolean;
}

/** What a session's record keeps of the backend that holds it. */
export type BackendState =
  | { kind: 'pty' }
  | {
      kind: 'tmux';
      /** The tmux session on kojo's private server, `kojo_<id>`. */
      session: string;
      /**
       * Modes the program set that tmux does not show (bracketed paste,
       * focus reports), kept at a graceful daemon stop for the next daemon.
       */
      heldModes?: string;
      /** The end marker's text its pane's shell writes after the program's last byte. */
      marker?: string;
    };

/** What a provider found of a session a previous daemon ran. */
export type AdoptOutcome =
  /** Still running: seed the screen with `seed`, then watch it through `connect`. */
  | { kind: 'running'; seed: Buffer; connect: (events: BackendEvents) => Backend }
  /** It ended while no daemon watched; `output` is what its screen showed. */
  | { kind: 'exited'; code: number | undefined; signal: string | undefined; output: Buffer }
  /** Nothing of it is left: it ended and nobody saw how. */
  | { kind: 'lost' };

export interface AdoptRequest {
  id: string;
  state: BackendState;
  terminal: boolean;
  cwd: string;
  cols: number;
  rows: number;
}

/** A way of running programs: spawns them, finds them again after a restart, and frees what they leave. */
export interface BackendProvider {
  readonly kind: BackendState['kind'];
  /** Whether its programs keep running when the daemon stops (then shutdown leaves them). */
  readonly outlivesDaemon: boolean;
  spawn(request: SpawnRequest, events: BackendEvents): { backend: Backend; state: BackendState };
  /**
   * Looks for the stored running sessions (by id). With `cleanOrphans` (a
   * cleanly loaded store), what the provider holds for no known session is removed.
   */
  adopt(requests: AdoptRequest[], options: { cleanOrphans: boolean }): Promise<Map<string, AdoptOutcome>>;
  /** Frees what a finished session may still hold (a dead tmux session), before a restart or removal. */
  release(state: BackendState): Promise<void>;
}
