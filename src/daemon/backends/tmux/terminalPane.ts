import fs from 'node:fs';
import { spawn as spawnPty, type IPty } from 'node-pty';
import type { Backend, BackendEvents } from '../backend.js';
import type { TmuxServer } from './server.js';
import type { PaneState, PaneWatcher } from './panes.js';
import { programPid } from './launch.js';
import { signalName } from '../../signals.js';

export interface TerminalPaneOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  lang: string | undefined;
  /** Where the pane's shell leaves the program's exit code. */
  exitFile: string;
}

/**
 * A `kojo tmux` terminal: what tmux itself draws (windows, splits, copy
 * mode), from a tmux client in a PTY. It ends when its tmux session does,
 * with the exit code its first pane's shell left behind.
 */
export class TerminalPane implements Backend, PaneWatcher {
  ready: Promise<void> = Promise.resolve();
  private client: IPty | undefined;
  private events: BackendEvents | undefined;
  private panePid: number | undefined;
  private program: number | undefined;
  private ended = false;
  private detached = false;

  constructor(
    private readonly server: TmuxServer,
    private readonly options: TerminalPaneOptions,
  ) {}

  get pid(): number | undefined {
    return this.program ?? this.panePid;
  }

  /** Starts the drawing client and watches the session. */
  bind(events: BackendEvents, panePid?: number): this {
    this.events = events;
    this.setPids(panePid);
    const { server, options } = this;
    const client = spawnPty(server.tmuxPath, [...server.socketArgs, 'attach-session', '-t', options.name], {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: options.lang ?? 'C.UTF-8' },
      encoding: null,
    });
    this.client = client;
    (client.onData as unknown as (listener: (chunk: Buffer) => void) => void)((chunk) => {
      if (!this.ended) this.events?.onData(chunk);
    });
    client.onExit(() => this.end(false));
    server.track(options.name, this);
    return this;
  }

  setPids(panePid: number | undefined): void {
    this.panePid = panePid;
    if (panePid !== undefined) this.program ??= programPid(panePid, this.server.realTmuxPath);
  }

  write(data: Buffer | string): void {
    if (!this.ended) this.client?.write(data as string);
  }

  resize(cols: number, rows: number): void {
    try {
      if (!this.ended) this.client?.resize(cols, rows);
    } catch {
      // The client is gone; its exit follows.
    }
  }

  terminate(): void {
    if (this.program === undefined) return this.kill();
    try {
      process.kill(this.program, 'SIGTERM');
    } catch {
      this.kill();
    }
  }

  kill(): void {
    void this.server.run(['kill-session', '-t', this.options.name]);
  }

  detach(): void {
    this.detached = true;
    this.server.untrack(this.options.name);
    this.client?.kill();
  }

  pause(): void {
    this.client?.pause();
  }

  resume(): void {
    this.client?.resume();
  }

  observe(pane: PaneState | undefined): void {
    if (!pane) this.end(true);
    else if (pane.pid !== this.panePid) this.setPids(pane.pid);
  }

  private end(sessionGone: boolean): void {
    if (this.ended || this.detached) return;
    this.ended = true;
    this.server.untrack(this.options.name);
    this.client?.kill();
    const exit = readExitFile(this.options.exitFile);
    if (exit) this.events?.onExit(exit.code, exit.signal);
    else if (sessionGone) this.events?.onExit(129, 'SIGHUP');
    else this.events?.onExit(0, undefined);
  }
}

/** The code a terminal's shell left (and removes the file); 129–159 but the stop signals read as that signal. */
export function readExitFile(file: string): { code: number; signal: string | undefined } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
  } catch {
    return undefined;
  }
  const code = Number(text.trim());
  if (!Number.isInteger(code)) return undefined;
  const byS = code > 128 && code < 160 && (code < 147 || code > 150) ? signalName(code - 128) : undefined;
  return { code, signal: byS };
}
