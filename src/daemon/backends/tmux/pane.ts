import fs from 'node:fs';
import net from 'node:net';
import { copyingRead } from '../readBuffer.js';
import { execFileSync } from 'node:child_process';
import type { Backend, BackendEvents, BackendState } from '../backend.js';
import type { TmuxServer } from './server.js';
import { exitOf, type PaneState, type PaneWatcher } from './panes.js';
import { programPid, shellQuote } from './launch.js';
import { EndMarker } from '../endMarker.js';

/** Pipe silence that shows tmux has written out a pane's last output, when no end marker will come. */
const PIPE_QUIET_MS = 200;
/** Modes a program sets that tmux does not show: kept for the next daemon. */
const HELD_MODES = /\x1b\[\?(?:2004|1004)h/g;

export type TmuxStateRef = Extract<BackendState, { kind: 'tmux' }>;

/**
 * An agent inside tmux session kojo_<id>. Output: the pane's raw bytes from
 * `pipe-pane -o` through a FIFO, read by the daemon (only `cat` in between);
 * input and size through the server's one control client. The pane's shell
 * writes an end marker after the program's last byte, which proves the
 * stream complete (see launch.ts).
 */
export class TmuxPane implements Backend, PaneWatcher {
  ready: Promise<void> = Promise.resolve();
  private events: BackendEvents | undefined;
  private early: Buffer[] = [];
  private fifo: net.Socket | undefined;
  private readonly marker: EndMarker;
  private markerSeen = false;
  private panePid: number | undefined;
  private program: number | undefined;
  private finishing = false;
  private finished = false;
  private detached = false;
  private paused = false;
  private repiping = false;
  private lastOutputAt = 0;
  private onMarker: (() => void) | undefined;

  constructor(
    private readonly server: TmuxServer,
    private readonly state: TmuxStateRef,
    private readonly fifoPath: string,
    markerBytes: Buffer,
  ) {
    this.marker = new EndMarker(markerBytes);
  }

  get name(): string {
    return this.state.session;
  }

  get pid(): number | undefined {
    return this.program ?? this.panePid;
  }

  /** Output goes to `events` from now on (and what came before, first). */
  bind(events: BackendEvents): this {
    this.events = events;
    for (const chunk of this.early.splice(0)) events.onData(chunk);
    this.server.track(this.name, this);
    return this;
  }

  /** The FIFO the pane's bytes arrive in; opened before tmux writes to it. */
  openFifo(): void {
    if (!fs.existsSync(this.fifoPath)) execFileSync('mkfifo', ['-m', '600', this.fifoPath]);
    // Read-write: we are a writer too, so the reader never sees EOF when the
    // pipe command ends or is restarted.
    const fd = fs.openSync(this.fifoPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    this.fifo = new net.Socket({
      fd,
      readable: true,
      writable: false,
      onread: copyingRead((chunk) => this.onChunk(chunk)),
    } as net.SocketConstructorOpts);
    this.fifo.on('error', () => undefined);
  }

  /** `cat` exec'd by tmux's shell: one process per pane, the shell's redirect opens the FIFO. */
  pipeCommand(): string {
    // No '%' or '#' in the command: tmux expands formats and strftime sequences in it.
    return `exec cat >> ${shellQuote(this.fifoPath)}`.replace(/#/g, '##').replace(/%/g, '%%');
  }

  setPids(panePid: number | undefined): void {
    this.panePid = panePid;
    if (panePid !== undefined) this.program ??= programPid(panePid, this.server.realTmuxPath);
  }

  /** Waits (bounded) until the program has been started by the pane's shell, for its pid. */
  async findProgram(): Promise<void> {
    const deadline = performance.now() + 1000;
    while (this.program === undefined && this.panePid !== undefined && performance.now() < deadline) {
      this.setPids(this.panePid);
      if (this.program === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  write(data: Buffer | string): void {
    if (!this.finishing) this.server.client()?.write(this.name, data);
  }

  resize(cols: number, rows: number): void {
    if (!this.finishing) this.server.client()?.resize(this.name, cols, rows);
  }

  /** SIGTERM to the program; without its pid, end the tmux session. */
  terminate(): void {
    if (this.finishing || this.detached) return;
    if (!this.signal('SIGTERM')) void this.killSession();
  }

  /** SIGKILL to the program (its shell then reports it and ends); the tmux session goes too if that fails. */
  kill(): void {
    if (this.finishing || this.detached) return;
    if (!this.signal('SIGKILL')) void this.killSession();
  }

  pause(): void {
    this.paused = true;
    this.fifo?.pause();
  }

  resume(): void {
    this.paused = false;
    this.fifo?.resume();
  }

  detach(modes?: string): void {
    this.detached = true;
    const held = modes?.match(HELD_MODES)?.join('');
    if (held) this.state.heldModes = held;
    this.server.untrack(this.name);
    this.closeFifo();
  }

  observe(pane: PaneState | undefined): void {
    if (this.finishing || this.detached) return;
    if (!pane) return void this.finish(129, 'SIGHUP'); // Its tmux session is gone: the program got SIGHUP.
    if (pane.pid !== this.panePid) this.setPids(pane.pid);
    const exit = exitOf(pane);
    if (exit) return void this.finish(exit.code, exit.signal);
    // The pipe command died (killed from outside): pipe again, or output would stop.
    if (!pane.dead && !pane.piped && !this.repiping) {
      this.repiping = true;
      this.server.log(`${this.name}: output pipe lost; piping again`);
      void this.server
        .run(['pipe-pane', '-o', '-t', this.name, this.pipeCommand()])
        .finally(() => (this.repiping = false));
    }
  }

  private signal(name: NodeJS.Signals): boolean {
    if (this.program === undefined) return false;
    try {
      process.kill(this.program, name);
      return true;
    } catch {
      return false;
    }
  }

  private async killSession(): Promise<void> {
    this.finishing = true;
    this.server.untrack(this.name);
    // tmux discards what it has not written to the pipe when the session goes: let it go quiet first.
    await this.drained();
    await this.server.run(['kill-session', '-t', this.name]);
    this.end(129, 'SIGHUP');
  }

  private async finish(code: number | undefined, signal: string | undefined): Promise<void> {
    this.finishing = true;
    this.server.untrack(this.name);
    await this.drained();
    // The dead pane kept its status for us; it has told it. (Before onExit: a restart may reuse the name.)
    await this.server.run(['kill-session', '-t', this.name]);
    this.end(code, signal);
  }

  private end(code: number | undefined, signal: string | undefined): void {
    if (!this.markerSeen) this.marker.release((data) => this.emit(data));
    this.closeFifo();
    this.finished = true;
    this.events?.onExit(code, signal);
  }

  /** Every byte is in once the marker is; without one (its shell was killed), once the pipe is quiet. */
  private async drained(): Promise<void> {
    if (this.markerSeen) return;
    const marker = new Promise<void>((resolve) => (this.onMarker = resolve));
    const quiet = (async () => {
      for (;;) {
        const seen = this.lastOutputAt;
        await new Promise((resolve) => setTimeout(resolve, PIPE_QUIET_MS));
        // One I/O phase more: a loop that was busy reads what waits before we decide.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.markerSeen) return;
        // Paused by flow control: the bytes wait for a reader, not silence. While
        // output flows, the marker may still come: only silence ends the wait.
        if (!this.paused && this.lastOutputAt === seen) return;
      }
    })();
    await Promise.race([marker, quiet]);
    this.onMarker = undefined;
  }

  private onChunk(chunk: Buffer): void {
    if (this.finished || this.markerSeen) return;
    this.lastOutputAt = performance.now();
    if (!this.marker.feed(chunk, (data) => this.emit(data))) return;
    this.markerSeen = true;
    // The pane's shell waits for this before it exits.
    this.server.client()?.command(`wait-for -S ${this.name}-end`);
    this.onMarker?.();
  }

  private emit(data: Buffer): void {
    if (this.events) this.events.onData(data);
    else this.early.push(data);
  }

  private closeFifo(): void {
    this.fifo?.destroy();
    this.fifo = undefined;
    fs.rmSync(this.fifoPath, { force: true });
  }
}
