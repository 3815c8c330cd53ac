/** How a session's program is run: a direct PTY, or a pane inside tmux. */
export interface Backend {
  readonly pid: number | undefined;
  /** Settles once the program is started (tmux needs a few commands). */
  readonly ready?: Promise<void>;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  /** Stop reading output until resume(), so the program is paced (flow control). */
  pause(): void;
  resume(): void;
  /** Ask the program to end (SIGTERM, or kill the tmux session). */
  terminate(): void;
  /** End it now (SIGKILL). */
  kill(): void;
  /** Leave the program running, stop watching it (tmux-backed sessions at daemon shutdown). */
  detach(): void;
}

export interface BackendEvents {
  /** Raw output bytes; the buffer is the backend's and is never reused. */
  onData(chunk: Buffer): void;
  /** Called once, after every output byte was delivered through onData. */
  onExit(exitCode: number | undefined, signal: string | undefined): void;
}

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}
