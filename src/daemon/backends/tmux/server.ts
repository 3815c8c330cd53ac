import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import type { StatePaths } from '../../../shared/paths.js';
import type { BackendEvents } from '../backend.js';
import type { SessionRecord } from '../../session/session.js';
import { TmuxBackend, type PaneState } from './pane.js';

/** Room for a command's output: capture-pane of a full history. */
const TMUX_OUTPUT_MAX_BYTES = 64 * 1024 * 1024;
/** How often pane death is looked for. */
const POLL_MS = 500;
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
  'unbind -a',
  'unbind -a -T root',
].join('\n');

/**
 * Pane modes tmux shows as formats, with the sequences that set and reset
 * them; the last set mouse encoding wins, so SGR comes after UTF-8.
 */
const PANE_MODES: Array<[format: string, set: string, reset: string]> = [
  ['cursor_flag', '', '\x1b[?25l'],
  ['keypad_cursor_flag', '\x1b[?1h', ''],
  ['keypad_flag', '\x1b=', ''],
  ['mouse_standard_flag', '\x1b[?1000h', ''],
  ['mouse_button_flag', '\x1b[?1002h', ''],
  ['mouse_all_flag', '\x1b[?1003h', ''],
  ['mouse_utf8_flag', '\x1b[?1005h', ''],
  ['mouse_sgr_flag', '\x1b[?1006h', ''],
];
const PANE_STATE_FORMAT = ['history_size', 'cursor_y', 'cursor_x', 'alternate_on', ...PANE_MODES.map(([f]) => f)]
  .map((format) => `#{${format}}`)
  .join(' ');

/** kojo's private tmux server: one socket under the state directory. */
export class TmuxServer {
  private readonly backends = new Map<string, TmuxBackend>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  readonly config: string;

  constructor(
    readonly tmuxPath: string,
    readonly paths: StatePaths,
    readonly log: (message: string) => void,
  ) {
    fs.mkdirSync(paths.fifoDir, { recursive: true, mode: 0o700 });
    this.config = path.join(paths.runDir, 'tmux.conf');
    fs.writeFileSync(this.config, TRANSPARENT_CONFIG + '\n', { mode: 0o600 });
  }

  /** Runs one tmux command on kojo's server. */
  run(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    // Plain execFile: the poll runs this twice a second per daemon, and execa's
    // extra machinery per call showed up as daemon memory.
    return new Promise((resolve) => {
      execFile(
        this.tmuxPath,
        ['-S', this.paths.tmuxSocket, '-f', this.config, ...args],
        { env: { ...process.env, TMUX: '' }, maxBuffer: TMUX_OUTPUT_MAX_BYTES },
        (error, stdout, stderr) => resolve({ ok: !error, stdout: stdout.replace(/\n$/, ''), stderr }),
      );
    });
  }

  /** The first pane of every tmux session, by session name. */
  async panes(): Promise<Map<string, PaneState>> {
    const result = await this.run([
      'list-panes',
      '-a',
      '-F',
      '#{session_name}\t#{pane_index}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{pane_pid}\t#{pane_pipe}',
    ]);
    const panes = new Map<string, PaneState>();
    if (!result.ok) return panes; // No server: no sessions.
    for (const line of result.stdout.split('\n')) {
      const [name, index, dead, status, signal, pid, pipe] = line.split('\t');
      if (!name || panes.has(name) || index === undefined) continue;
      panes.set(name, {
        dead: dead === '1',
        status: status ? Number(status) : undefined,
        signal: signal ? Number(signal) : undefined,
        pid: pid ? Number(pid) : undefined,
        piped: pipe === '1',
      });
    }
    return panes;
  }

  /**
   * What tmux holds of a pane, as output that recreates it: history and
   * screen with their escapes, the cursor, and the terminal modes the program
   * set (those tmux shows as formats; bracketed paste and focus reports it
   * does not show).
   */
  async capture(name: string): Promise<Buffer> {
    const [result, state] = await Promise.all([
      this.run(['capture-pane', '-p', '-e', '-S', '-', '-t', name]),
      this.run(['display-message', '-p', '-t', name, PANE_STATE_FORMAT]),
    ]);
    if (!result.ok) return Buffer.alloc(0);
    const lines = result.stdout.split('\n');
    const [history, y, x, alternate, ...flags] = state.stdout.trim().split(' ').map(Number);
    if (!state.ok || history === undefined || y === undefined || x === undefined || alternate === undefined) {
      return Buffer.from(result.stdout.replace(/\n+$/, '').replace(/\n/g, '\r\n'));
    }
    const modes = PANE_MODES.map(([, set, reset], i) => (flags[i] === 1 ? set : reset)).join('');
    if (!alternate) {
      // Up to the cursor's line, then the cursor's column: output goes on from there.
      return Buffer.from(lines.slice(0, history + y + 1).join('\r\n') + `\r\x1b[${x + 1}G` + modes);
    }
    // A full-screen program: the main history, then its own screen.
    const main = lines.slice(0, history).join('\r\n');
    const screen = lines.slice(history, history + y + 1).join('\r\n');
    return Buffer.from(`${main}\r\n\x1b[?1049h\x1b[H${screen}\x1b[${y + 1};${x + 1}H${modes}`);
  }

  spawn(record: SessionRecord, args: string[], events: BackendEvents, terminal: boolean): TmuxBackend {
    const backend = new TmuxBackend(this, record, events, terminal);
    backend.ready = backend.start(args);
    return backend;
  }

  /** Watch a tmux session a previous daemon started. */
  adopt(record: SessionRecord, events: BackendEvents, terminal: boolean): TmuxBackend {
    const backend = new TmuxBackend(this, record, events, terminal);
    backend.ready = backend.reconnect();
    return backend;
  }

  track(name: string, backend: TmuxBackend): void {
    this.backends.set(name, backend);
    this.poller ??= setInterval(() => void this.poll(), POLL_MS);
  }

  untrack(name: string): void {
    this.backends.delete(name);
    if (this.backends.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const panes = await this.panes();
      let unreaped = false;
      for (const [name, backend] of this.backends) {
        const pane = panes.get(name);
        if (pane?.dead && pane.status === undefined && pane.signal === undefined) unreaped = true;
        backend.observe(pane);
      }
      // tmux 3.3a reports a dead pane with no status until another child of
      // its exits: give it one, and read the status on the next poll.
      if (unreaped) await this.run(['run-shell', 'true']);
    } finally {
      this.polling = false;
    }
  }
}
