import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { stdioHidingInherited, type Slot } from '../inheritedFds.js';
import type { StatePaths } from '../../../shared/paths.js';
import { ControlClient } from './controlClient.js';
import { LIST_PANES_FORMAT, exitOf, parsePanes, type PaneListing, type PaneWatcher } from './panes.js';

/** Room for a command's output: capture-pane of a full history. */
const TMUX_OUTPUT_MAX_BYTES = 64 * 1024 * 1024;
/** The safety poll: tmux's notifications say when to look; this catches what they cannot. */
const SAFETY_POLL_MS = 5000;
/** A dead pane whose status tmux has not reaped yet is looked at again this soon. */
const UNREAPED_RETRY_MS = 50;
/** The control client's own session: not `kojo_…`, so orphan cleanup leaves it. */
export const CONTROL_SESSION = 'kojo-control';
/** Signalled by tmux (pane-died hook) whenever a pane's program ends. */
const PANE_DIED_CHANNEL = 'kojo-pane-died';
/** Options that make kojo's tmux invisible (SPEC §7). */
const TRANSPARENT_CONFIG = [
  'set -g prefix None',
  'set -g prefix2 None',
  'set -g status off',
  'set -g mouse off',
  'set -g remain-on-exit on',
  'set -g default-terminal xterm-256color',
  'set -g escape-time 0',
  'set -g window-size latest',
  'set -g history-limit 10000',
  // The outer terminal keeps its own scrollback: no alternate screen from tmux.
  "set -ga terminal-overrides ',*:smcup@:rmcup@'",
  // Colours reach a drawn terminal as the program wrote them (24-bit, not the nearest of 256).
  "set -as terminal-features ',*:RGB'",
  `set-hook -g pane-died 'wait-for -S ${PANE_DIED_CHANNEL}'`,
  'unbind -a',
  'unbind -a -T root',
].join('\n');

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * kojo's private tmux server: one socket under the state directory, one
 * control-mode client for input, sizes and notifications, and the watchers
 * of its panes, told after each successful listing.
 */
export class TmuxServer {
  private readonly watchers = new Map<string, PaneWatcher>();
  private control: ControlClient | undefined;
  private safetyPoll: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  /** A second client that only waits for the pane-died hook: its waits would hold up input on the first. */
  private deaths: ControlClient | undefined;
  private closed = false;
  readonly config: string;
  /** tmux's binary with links resolved, as /proc shows it. */
  readonly realTmuxPath: string;

  constructor(
    readonly tmuxPath: string,
    readonly paths: StatePaths,
    readonly log: (message: string) => void,
  ) {
    fs.mkdirSync(paths.fifoDir, { recursive: true, mode: 0o700 });
    this.config = path.join(paths.runDir, 'tmux.conf');
    fs.writeFileSync(this.config, TRANSPARENT_CONFIG + '\n', { mode: 0o600 });
    this.realTmuxPath = fs.realpathSync(tmuxPath);
  }

  get socketArgs(): string[] {
    return ['-S', this.paths.tmuxSocket, '-f', this.config];
  }

  /** Runs one tmux command on kojo's server (`;` between arguments separates commands, run as one). */
  run(args: string[]): Promise<RunResult> {
    // Only new-session can start a server, which lives on: it must inherit none of our PTY masters.
    const standard: [Slot, Slot, Slot] = ['ignore', 'pipe', 'pipe'];
    const { stdio, done } =
      args[0] === 'new-session' ? stdioHidingInherited(standard) : { stdio: standard, done: () => undefined };
    // Plain spawn: execa's extra machinery per call showed up as daemon memory.
    const child = spawn(this.tmuxPath, [...this.socketArgs, ...args], { stdio, env: { ...process.env, TMUX: '' } });
    done();
    return new Promise((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const keep = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size <= TMUX_OUTPUT_MAX_BYTES) into.push(chunk);
      };
      child.stdout?.on('data', keep(out));
      child.stderr?.on('data', keep(err));
      child.on('error', (error) => resolve({ ok: false, stdout: '', stderr: error.message }));
      child.on('close', (code) => {
        const stdout = Buffer.concat(out).toString('utf8').replace(/\n$/, '');
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({ ok: code === 0 && size <= TMUX_OUTPUT_MAX_BYTES, stdout, stderr });
      });
    });
  }

  /**
   * Starts the server with the control client's session, and the client.
   * Called once the daemon starts, before it opens any PTY: the server then
   * holds none of the daemon's descriptors.
   */
  async start(): Promise<void> {
    this.closed = false;
    const made = await this.run(['new-session', '-d', '-s', CONTROL_SESSION, '-x', '80', '-y', '24', 'true']);
    if (!made.ok && !/duplicate session/.test(made.stderr)) {
      this.log(`tmux control session: ${made.stderr.trim()}`);
      return;
    }
    this.control ??= new ControlClient(this.socketArgs, this.tmuxPath, CONTROL_SESSION, this.onNotice, () => {
      this.control = undefined;
      this.schedulePoll(0);
    });
    this.deaths ??= this.waitForDeaths();
  }

  /** Woken by the pane-died hook (tmux keeps a signal nobody waited for yet): look, and wait again. */
  private waitForDeaths(): ControlClient {
    const wait = `wait-for ${PANE_DIED_CHANNEL} ; display-message -p ${PANE_DIED_CHANNEL}`;
    const client = new ControlClient(
      this.socketArgs,
      this.tmuxPath,
      CONTROL_SESSION,
      () => undefined,
      () => (this.deaths = undefined),
      (line) => {
        if (line !== PANE_DIED_CHANNEL) return;
        this.schedulePoll(0);
        client.command(wait);
      },
    );
    client.command(wait);
    return client;
  }

  /** The client for input and sizes; started again when it went away (the server restarted). */
  client(): ControlClient | undefined {
    if (!this.control && !this.closed) void this.start();
    return this.control;
  }

  async listPanes(): Promise<PaneListing> {
    const result = await this.run(['list-panes', '-a', '-F', LIST_PANES_FORMAT]);
    if (result.ok) return { kind: 'ok', panes: parsePanes(result.stdout) };
    const message = result.stderr.trim() || 'tmux list-panes failed';
    if (/no server running/.test(message) && (await this.refusesConnections())) return { kind: 'no-server' };
    return { kind: 'error', message };
  }

  /** True when the socket exists and nobody listens on it: the server is gone, not just out of reach. */
  private refusesConnections(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.paths.tmuxSocket);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
  }

  track(name: string, watcher: PaneWatcher): void {
    this.watchers.set(name, watcher);
    this.safetyPoll ??= setInterval(() => this.schedulePoll(0), SAFETY_POLL_MS);
  }

  untrack(name: string): void {
    this.watchers.delete(name);
    if (this.watchers.size === 0 && this.safetyPoll) {
      clearInterval(this.safetyPoll);
      this.safetyPoll = undefined;
    }
  }

  /** Stop watching (daemon shutdown); the server and its sessions stay. */
  close(): void {
    this.closed = true;
    this.watchers.clear();
    clearInterval(this.safetyPoll);
    clearTimeout(this.pollTimer);
    this.safetyPoll = undefined;
    this.control?.kill();
    this.deaths?.kill();
  }

  private readonly onNotice = (line: string): void => {
    // Sessions came or went, a window closed, the server is exiting: look.
    if (/^%(sessions-changed|session-closed|unlinked-window-close|window-close|exit)/.test(line)) this.schedulePoll(0);
  };

  private schedulePoll(delay: number): void {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delay);
  }

  private async poll(): Promise<void> {
    if (this.watchers.size === 0) return;
    this.polling = true;
    this.pollAgain = false;
    try {
      const listing = await this.listPanes();
      if (listing.kind === 'error') {
        // Proves nothing about any session: never finalise on it.
        this.log(`tmux listing failed (${listing.message}); sessions left as they are`);
        return;
      }
      const panes = listing.kind === 'ok' ? listing.panes : new Map();
      let unreaped = false;
      for (const [name, watcher] of [...this.watchers]) {
        const pane = panes.get(name);
        if (pane?.dead && !exitOf(pane)) unreaped = true;
        watcher.observe(pane);
      }
      // tmux 3.3a reports a dead pane with no status until another child of
      // its exits: give it one, and look again soon.
      if (unreaped) {
        await this.run(['run-shell', 'true']);
        this.pollAgain = true;
      }
    } finally {
      this.polling = false;
      if (this.pollAgain) this.schedulePoll(UNREAPED_RETRY_MS);
    }
  }
}
