import { ErrorCode, KojoError } from '../../shared/errors.js';
import type { Session } from './session.js';
import type { SessionManager } from './manager.js';
import type { TmuxProvider } from '../backends/tmux/provider.js';

/** The whitelisted `kojo tmux <session> <action>` actions: tmux arguments for a target. */
export const TMUX_ACTIONS: Record<string, (target: string, workDir: string) => string[]> = {
  'kill-pane': (t) => ['kill-pane', '-t', t],
  'new-window': (t, cwd) => ['new-window', '-t', t, '-c', cwd],
  'prev-window': (t) => ['previous-window', '-t', t],
  'next-window': (t) => ['next-window', '-t', t],
  'split-h': (t, cwd) => ['split-window', '-h', '-t', t, '-c', cwd],
  'split-v': (t, cwd) => ['split-window', '-v', '-t', t, '-c', cwd],
  'select-pane': (t) => ['select-pane', '-t', `${t}:.+`],
  'resize-pane-z': (t) => ['resize-pane', '-Z', '-t', t],
  'choose-tree': (t) => ['choose-tree', '-t', t],
  'copy-mode': (t) => ['copy-mode', '-t', t],
};

/** The terminal (tool `tmux`, internal) beside a session, one per parent. */
export class TerminalChildren {
  private readonly opening = new Map<string, Promise<Session>>();

  constructor(private readonly tmux: TmuxProvider | undefined) {}

  /** The parent's running terminal child, created on first use. */
  open(manager: SessionManager, ref: string): Promise<Session> {
    const parent = manager.resolve(ref);
    if (parent.record.tool === 'tmux') return Promise.resolve(parent);
    const existing = runningTerminalOf(manager, parent);
    if (existing) return Promise.resolve(existing);
    if (!parent.running) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
    // Concurrent calls share one creation: exactly one child.
    let pending = this.opening.get(parent.id);
    if (!pending) {
      pending = manager
        .create(
          { tool: 'tmux', args: [], cwd: parent.record.workDir, env: parent.record.env },
          { internal: true, parentId: parent.id },
        )
        .finally(() => this.opening.delete(parent.id));
      this.opening.set(parent.id, pending);
    }
    return pending;
  }

  async action(manager: SessionManager, ref: string, action: string): Promise<void> {
    const build = TMUX_ACTIONS[action];
    if (!build) {
      throw new KojoError(
        ErrorCode.UnknownAction,
        `unknown action: ${action} (valid: ${Object.keys(TMUX_ACTIONS).join(', ')})`,
      );
    }
    const session = manager.resolve(ref);
    const target = session.record.tool === 'tmux' ? session : runningTerminalOf(manager, session);
    if (!target) throw new KojoError(ErrorCode.NotTerminal, 'not a terminal session');
    if (!target.running) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
    const { backend } = target.record;
    if (backend.kind !== 'tmux' || !this.tmux) throw new KojoError(ErrorCode.NoTmuxId, 'session has no tmux ID');
    const result = await this.tmux.run(build(backend.session, target.record.workDir));
    if (!result.ok) throw new KojoError(ErrorCode.Internal, `tmux ${action} failed: ${result.stderr.trim()}`);
  }
}

function runningTerminalOf(manager: SessionManager, parent: Session): Session | undefined {
  return manager.childrenOf(parent.id).find((c) => c.record.tool === 'tmux' && c.running);
}
