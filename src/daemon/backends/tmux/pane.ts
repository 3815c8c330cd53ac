import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { spawn as spawnPty, type IPty } from 'node-pty';
import type { Backend, BackendEvents } from '../backend.js';
import type { SessionRecord } from '../../session/session.js';
import type { TmuxServer } from './server.js';
import { ControlClient } from './controlClient.js';
import { EndMarker } from '../endMarker.js';
import { signalName } from '../../signals.js';

/** How long a pane's shell outlives its program, for tmux to read the last output. */
const PANE_EXIT_GRACE_MS = 100;
/** Pipe silence that shows tmux has written out a dead pane's last output. */
const PIPE_QUIET_MS = 50;
const PIPE_QUIET_MAX_MS = 2000;

export interface PaneState {
  dead: boolean;
  /** A pipe-pane command is running for the pane. */
  piped: boolean;
  /** Undefined while tmux has not reaped the program yet (tmux 3.3a). */
  status: number | undefined;
  signal: number | undefined;
  pid: number | undefined;
}

/**
 * The pane's shell runs the program as its child and outlives it a moment:
 * tmux 3.3a closes a pane as soon as its process exits, and under load the
 * kernel may not yet have handed it the program's last output (measured: the
 * last 3–11 KB of a 3 MB write lost in about 1 run of 9 on a busy machine;
 * none in 40 with the grace). It then ends as the program did: same code, or
 * killed by the same signal. Ctrl-C and Ctrl-\ end the program, never the shell.
 */
function outliveProgram(program: string): string[] {
  return [
    'trap : INT QUIT', // A handler, not "ignore": the program still gets the defaults.
    program,
    'code=$?',
    `sleep ${PANE_EXIT_GRACE_MS / 1000}`,
    // 128+N: killed by signal N (not the stop signals 19-22, which end nothing).
    'case $code in 129|13[0-9]|14[0-6]|15[1-9]) trap - INT QUIT; kill -$((code - 128)) $$ ;; esac',
    'exit $code',
  ];
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A session inside tmux session kojo_<id>. Output: the pane's raw bytes from
 * `pipe-pane -o` through a FIFO; input and size through a control-mode client
 * for which tmux draws nothing. A terminal child instead shows tmux's own
 * rendering (windows, splits, copy mode) from a client in a PTY.
 */
export class TmuxBackend implements Backend {
  ready: Promise<void> = Promise.resolve();
  /** Input and size: a drawing client for terminals, a control client for agents. */
  private client: IPty | ControlClient | undefined;
  private fifo: net.Socket | undefined;
  private readonly fifoPath: string;
  private readonly name: string;
  private marker: EndMarker | undefined;
  private paneId: number | undefined;
  private finished = false;
  private finishing = false;
  private detached = false;
  private pendingInput: Array<Buffer | string> = [];
  private lastOutputAt = 0;

  constructor(
    private readonly server: TmuxServer,
    private readonly record: SessionRecord,
    private readonly events: BackendEvents,
    private readonly terminal: boolean,
  ) {
    this.name = record.tmuxSessionName!;
    // A fresh name per daemon: a pipe left by an earlier one can never write into ours.
    this.fifoPath = path.join(server.paths.fifoDir, `${this.name}-${randomBytes(4).toString('hex')}.fifo`);
  }

  get pid(): number | undefined {
    return this.paneId;
  }

  async start(args: string[]): Promise<void> {
    const { server, record } = this;
    if (!this.terminal) await this.openFifo();
    const script = path.join(server.paths.fifoDir, `${this.name}.launch.sh`);
    const env = Object.entries(record.env).map(([k, v]) => shellQuote(`${k}=${v}`));
    const command = this.terminal ? [record.command, '-l'] : [record.command, ...args];
    // The program waits until the pipe is in place, so that no output is missed,
    // and gets exactly the caller's environment.
    const program = `/usr/bin/env -i ${env.join(' ')} ${command.map(shellQuote).join(' ')}`;
    fs.writeFileSync(
      script,
      [
        'rm -f -- "$0"',
        `${shellQuote(server.tmuxPath)} -S ${shellQuote(server.paths.tmuxSocket)} wait-for ${shellQuote(this.name)}`,
        ...(this.terminal ? [`exec ${program}`] : outliveProgram(program)),
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    const created = await server.run([
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(record.lastCols),
      '-y',
      String(record.lastRows),
      '-c',
      record.workDir,
      '--',
      '/bin/sh',
      script,
    ]);
    if (!created.ok) {
      fs.rmSync(script, { force: true });
      this.closeFifo();
      throw new Error(created.stderr.trim() || 'tmux new-session failed');
    }
    if (this.terminal) {
      await server.run(['set-option', '-t', this.name, 'mouse', 'on']);
      await server.run(['set-option', '-t', this.name, 'remain-on-exit', 'off']);
    } else {
      await this.pipePane();
    }
    this.startClient();
    await server.run(['wait-for', '-S', this.name]);
    server.track(this.name, this);
  }

  /** A new daemon picks up where the last one left off. */
  async reconnect(): Promise<void> {
    if (!this.terminal) {
      await this.openFifo();
      await this.server.run(['pipe-pane', '-t', this.name]);
      await this.pipePane();
    }
    this.startClient();
    this.server.track(this.name, this);
  }

  write(data: Buffer | string): void {
    if (this.finished) return;
    if (!this.client) this.pendingInput.push(data);
    else if (this.client instanceof ControlClient) this.client.write(data);
    else this.client.write(data as string);
  }

  pause(): void {} // Pacing a pane's pipe is the tmux room's job (flow control).
  resume(): void {}

  resize(cols: number, rows: number): void {
    try {
      this.client?.resize(cols, rows);
    } catch {
      // The client is gone; the poll will notice why.
    }
  }

  /** Ends the tmux session, which hangs the program up (SIGHUP, as a closed terminal would). */
  terminate(): void {
    if (!this.finishing && !this.detached) void this.finish(129, 'SIGHUP');
  }

  kill(): void {
    this.terminate();
  }

  detach(): void {
    this.detached = true;
    this.server.untrack(this.name);
    this.closeFifo();
    this.client?.kill();
  }

  /** Called by the poll with the pane's state; undefined when the tmux session is gone. */
  observe(pane: PaneState | undefined): void {
    if (this.finishing || this.detached) return;
    if (pane) this.paneId = pane.pid;
    if (!pane) {
      // The tmux session is gone (kojo stop, or killed from outside): its
      // program got SIGHUP.
      void this.finish(129, 'SIGHUP');
      return;
    }
    const exit = exitOf(pane);
    if (exit) return void this.finish(exit.code, exit.signal);
    // The pipe command died (killed from outside): pipe again, or output would stop.
    if (!this.terminal && !pane.dead && !pane.piped && !this.repiping) {
      this.repiping = true;
      this.server.log(`${this.name}: output pipe lost; piping again`);
      void this.pipePane().finally(() => (this.repiping = false));
    }
  }

  private repiping = false;

  private async finish(code: number | undefined, signal: string | undefined): Promise<void> {
    this.finishing = true;
    this.server.untrack(this.name);
    // tmux may still hold pane output it has not written to the pipe yet, and
    // ending the session would discard it: first let the pipe go quiet.
    if (!this.terminal) await this.pipeQuiet();
    // Killing the session closes the pipe: the pipe command then writes our
    // marker after the pane's last byte, and we read up to it.
    const drained = this.terminal ? Promise.resolve() : this.waitForMarker();
    await this.server.run(['kill-session', '-t', this.name]);
    await drained;
    this.closeFifo();
    this.client?.kill();
    this.finished = true;
    this.events.onExit(code, signal);
  }

  /** Resolves once no output has arrived for PIPE_QUIET_MS (at most PIPE_QUIET_MAX_MS). */
  private async pipeQuiet(): Promise<void> {
    const deadline = performance.now() + PIPE_QUIET_MAX_MS;
    for (;;) {
      const seen = this.lastOutputAt;
      await new Promise((resolve) => setTimeout(resolve, PIPE_QUIET_MS));
      // One I/O phase more: a loop that was busy reads what waits before we decide.
      await new Promise((resolve) => setImmediate(resolve));
      const quiet = this.lastOutputAt === seen && performance.now() - this.lastOutputAt >= PIPE_QUIET_MS;
      if (quiet || performance.now() > deadline) return;
    }
  }

  private waitForMarker(): Promise<void> {
    if (!this.marker) return Promise.resolve();
    return new Promise((resolve) => {
      const fallback = setTimeout(() => {
        this.marker?.release((data) => this.events.onData(data));
        resolve();
      }, 3000);
      this.onMarker = () => {
        clearTimeout(fallback);
        resolve();
      };
    });
  }

  private onMarker: (() => void) | undefined;

  private async pipePane(): Promise<void> {
    this.marker = new EndMarker();
    // No '%' or '#' in the command: tmux expands formats and strftime sequences in it.
    const printMarker = `printf '\\000${this.marker.text}\\000'`;
    // One open of the FIFO: when the daemon is gone, the next write ends the
    // pipe with SIGPIPE instead of blocking in open().
    // The marker only after a clean end of input: a cat killed from outside says nothing.
    const command = `exec >> ${shellQuote(this.fifoPath)}; cat && ${printMarker}`;
    const escaped = command.replace(/#/g, '##').replace(/%/g, '%%');
    const result = await this.server.run(['pipe-pane', '-o', '-t', this.name, escaped]);
    if (!result.ok) throw new Error(result.stderr.trim() || 'tmux pipe-pane failed');
  }

  private async openFifo(): Promise<void> {
    if (!fs.existsSync(this.fifoPath)) await execa('mkfifo', ['-m', '600', this.fifoPath]);
    // Read-write: we are a writer too, so the reader never sees EOF when the
    // pipe command ends or is restarted.
    const fd = fs.openSync(this.fifoPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    this.fifo = new net.Socket({ fd, readable: true, writable: false });
    this.fifo.on('data', (chunk: Buffer) => this.onChunk(chunk));
    this.fifo.on('error', () => undefined);
  }

  private closeFifo(): void {
    this.fifo?.destroy();
    this.fifo = undefined;
    fs.rmSync(this.fifoPath, { force: true });
  }

  private onChunk(chunk: Buffer): void {
    if (this.finished) return;
    this.lastOutputAt = performance.now();
    // The marker comes only after we end the tmux session: until then every
    // byte goes straight out (holding back a tail here could strand it).
    if (!this.marker || !this.finishing) return this.events.onData(chunk);
    if (this.marker.feed(chunk, (data) => this.events.onData(data))) this.onMarker?.();
  }

  private startClient(): void {
    const { server, record } = this;
    if (!this.terminal) {
      this.client = new ControlClient(
        ['-S', server.paths.tmuxSocket, '-f', server.config],
        server.tmuxPath,
        this.name,
        record.lastCols,
        record.lastRows,
        () => undefined, // Pane death is found by the poll.
      );
      for (const input of this.pendingInput.splice(0)) this.client.write(input);
      return;
    }
    const client = spawnPty(
      server.tmuxPath,
      ['-S', server.paths.tmuxSocket, '-f', server.config, 'attach-session', '-t', this.name],
      {
        name: 'xterm-256color',
        cols: record.lastCols,
        rows: record.lastRows,
        cwd: record.workDir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: record.env.LANG ?? 'C.UTF-8' },
        encoding: null,
      },
    );
    this.client = client;
    // A terminal child shows what tmux draws (windows, splits, copy mode).
    (client.onData as unknown as (listener: (chunk: Buffer) => void) => void)((chunk) => {
      if (!this.finished) this.events.onData(chunk);
    });
    client.onExit(() => {
      if (!this.detached && !this.finishing) void this.finish(0, undefined);
    });
    for (const input of this.pendingInput.splice(0)) client.write(input as string);
  }
}

/**
 * How a dead pane's program ended, as a shell reports it; undefined while it
 * runs or while tmux has not reaped it yet (an empty status is "not known
 * yet", never 0).
 */
export function exitOf(pane: PaneState): { code: number; signal: string | undefined } | undefined {
  if (!pane.dead) return undefined;
  if (pane.signal) return { code: 128 + pane.signal, signal: signalName(pane.signal) };
  if (pane.status === undefined) return undefined;
  return { code: pane.status, signal: undefined };
}
