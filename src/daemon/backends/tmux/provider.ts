import fs from 'node:fs';
import { execa } from 'execa';
import type { StatePaths } from '../../../shared/paths.js';
import { findExecutable } from '../../../shared/executables.js';
import type { Session } from '../../session/session.js';
import { TmuxServer } from './server.js';
import { exitOf, type PaneState } from './pane.js';
import { TerminalChildren } from '../../session/terminals.js';
import { TOOLS } from '../../agents/tools.js';

/** How this daemon runs sessions: inside tmux when it can, else direct PTYs. */
export interface TmuxIntegration {
  server: TmuxServer | undefined;
  terminals: TerminalChildren;
  status: { used: boolean; reason?: string; version?: string };
  /**
   * Reconnect stored running sessions. Those whose program is gone are
   * finalised; with `cleanOrphans` (a cleanly loaded store), unknown kojo_*
   * tmux sessions are killed and stale FIFOs removed.
   */
  adopt(sessions: Session[], options: { cleanOrphans: boolean }): Promise<void>;
}

export async function detectTmux(paths: StatePaths, log: (message: string) => void): Promise<TmuxIntegration> {
  if (process.platform === 'win32') return withoutTmux('tmux is not available on Windows');
  if (process.env.KOJO_TMUX === '0') return withoutTmux('turned off by KOJO_TMUX=0');
  const tmuxPath = findExecutable('tmux', process.env.PATH, '/');
  if (!tmuxPath) return withoutTmux('tmux is not installed');
  const probe = await execa(tmuxPath, ['-V'], { reject: false });
  if (probe.exitCode !== 0) return withoutTmux(`${tmuxPath} -V failed`);
  const server = new TmuxServer(tmuxPath, paths, log);
  return {
    server,
    terminals: new TerminalChildren(server),
    status: { used: true, version: probe.stdout.trim() },
    adopt: (sessions, options) => adoptAll(server, sessions, options, log),
  };
}

function withoutTmux(reason: string): TmuxIntegration {
  return {
    server: undefined,
    terminals: new TerminalChildren(undefined),
    status: { used: false, reason },
    adopt: async (sessions) => {
      for (const session of sessions) if (session.running) session.markLost();
    },
  };
}

async function adoptAll(
  server: TmuxServer,
  sessions: Session[],
  options: { cleanOrphans: boolean },
  log: (message: string) => void,
): Promise<void> {
  let panes = await server.panes();
  // tmux 3.3a may not have reaped a program that ended while we were away:
  // let it (run-shell true), and look again, before reading exit statuses.
  for (let tries = 0; tries < 20 && [...panes.values()].some((p) => p.dead && !exitOf(p)); tries++) {
    await server.run(['run-shell', 'true']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    panes = await server.panes();
  }
  if (options.cleanOrphans) {
    const known = new Set(sessions.map((s) => s.record.tmuxSessionName).filter(Boolean));
    for (const name of panes.keys()) {
      if (name.startsWith('kojo_') && !known.has(name)) {
        log(`killing orphan tmux session ${name}`);
        await server.run(['kill-session', '-t', name]);
      }
    }
    for (const file of fs.readdirSync(server.paths.fifoDir))
      fs.rmSync(`${server.paths.fifoDir}/${file}`, { force: true });
  }
  for (const session of sessions) {
    if (!session.running) continue;
    try {
      await adoptOne(server, session, panes, log);
    } catch (error) {
      log(`cannot adopt ${session.id}: ${(error as Error).message}`);
      session.markLost();
    }
  }
}

async function adoptOne(
  server: TmuxServer,
  session: Session,
  panes: Map<string, PaneState>,
  log: (message: string) => void,
): Promise<void> {
  const { record } = session;
  const pane = record.tmuxSessionName ? panes.get(record.tmuxSessionName) : undefined;
  if (!record.tmuxSessionName || !pane) {
    session.markLost();
    return;
  }
  const name = record.tmuxSessionName;
  const terminal = TOOLS[record.tool].terminal ?? false;
  const exit = exitOf(pane);
  if (exit) {
    // It ended while no daemon watched: tmux kept its status and screen.
    const output = await server.capture(name);
    await server.run(['kill-session', '-t', name]);
    session.finishUnwatched(exit.code, exit.signal, output);
    log(`${record.id} ended while the daemon was away (${exit.signal ?? `code ${exit.code}`})`);
    return;
  }
  // Captured before the pipe is reopened: a few bytes may fall between, none twice.
  const seed = terminal ? Buffer.alloc(0) : await server.capture(name);
  const held = Buffer.from(record.heldModes ?? '', 'latin1');
  delete record.heldModes;
  await session.adopt(Buffer.concat([seed, held]), (events) => server.adopt(record, events, terminal));
  log(`adopted ${record.id} (${record.tmuxSessionName}${pane.dead ? ', pane dead' : ''})`);
}
