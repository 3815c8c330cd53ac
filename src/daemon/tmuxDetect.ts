import type { StatePaths } from '../shared/paths.js';
import type { TmuxLauncher } from './backend.js';
import type { Session } from './session.js';
import type { SessionManager } from './sessionManager.js';

export interface TerminalChildren {
  open(manager: SessionManager, ref: string): Promise<Session>;
  action(manager: SessionManager, ref: string, action: string): Promise<void>;
}

/** How this daemon runs sessions: inside tmux when it can, else direct PTYs. */
export interface TmuxIntegration {
  launcher: TmuxLauncher | undefined;
  terminals: TerminalChildren | undefined;
  status: { used: boolean; reason?: string; version?: string };
  /** Reconnect stored running sessions; those whose program is gone are finalised. */
  adopt(sessions: Session[], options: { cleanOrphans: boolean }): Promise<void>;
}

export async function detectTmux(_paths: StatePaths, _log: (message: string) => void): Promise<TmuxIntegration> {
  return withoutTmux('tmux support is not built yet');
}

export function withoutTmux(reason: string): TmuxIntegration {
  return {
    launcher: undefined,
    terminals: undefined,
    status: { used: false, reason },
    adopt: async (sessions) => {
      for (const session of sessions) if (session.running) session.markLost();
    },
  };
}
