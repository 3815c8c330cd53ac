import { signalName } from '../../signals.js';

/** What a listing says of a tmux session's first pane. */
export interface PaneState {
  dead: boolean;
  /** A pipe-pane command is running for the pane. */
  piped: boolean;
  /** Undefined while tmux has not reaped the program yet (tmux 3.3a). */
  status: number | undefined;
  signal: number | undefined;
  /** The pane's process: kojo's small shell around the program. */
  pid: number | undefined;
}

/**
 * A listing of the server's panes. Only `ok` says anything about a session:
 * `no-server` is a server known to be gone (its socket refuses connections),
 * `error` is anything else (socket moved away, out of fds…) and proves nothing.
 */
export type PaneListing =
  { kind: 'ok'; panes: Map<string, PaneState> } | { kind: 'no-server' } | { kind: 'error'; message: string };

export const LIST_PANES_FORMAT =
  '#{session_name}\t#{pane_index}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{pane_pid}\t#{pane_pipe}';

/** The first pane of every tmux session, by session name, from list-panes output. */
export function parsePanes(stdout: string): Map<string, PaneState> {
  const panes = new Map<string, PaneState>();
  for (const line of stdout.split('\n')) {
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

/** Something the server tells about its pane after each successful listing. */
export interface PaneWatcher {
  /** The pane's state; undefined when its tmux session is gone. */
  observe(pane: PaneState | undefined): void;
}
