import type { AdoptOutcome, BackendProvider } from '../backends/backend.js';
import { TOOLS } from '../agents/tools.js';
import type { Session } from './session.js';

/**
 * Sessions stored as running, found again by the provider that holds them:
 * running ones are watched again, ended ones get their exit status, the rest
 * are lost. With `cleanOrphans`, providers remove what nobody knows.
 */
export async function adoptSessions(
  providers: BackendProvider[],
  sessions: Session[],
  options: { cleanOrphans: boolean },
  log: (message: string) => void,
): Promise<void> {
  const running = sessions.filter((s) => s.running);
  for (const provider of providers) {
    const mine = running.filter((s) => s.record.backend.kind === provider.kind);
    const outcomes = await provider.adopt(
      mine.map(({ record }) => ({
        id: record.id,
        state: record.backend,
        terminal: TOOLS[record.tool]?.terminal ?? false,
        cwd: record.workDir,
        cols: record.lastCols,
        rows: record.lastRows,
      })),
      options,
    );
    for (const session of mine) await apply(session, outcomes.get(session.id) ?? { kind: 'lost' }, log);
  }
  // Held by a provider this daemon does not have (tmux gone): nobody can see them.
  const kinds = new Set(providers.map((p) => p.kind));
  for (const session of running) if (!kinds.has(session.record.backend.kind)) session.markLost();
}

async function apply(session: Session, outcome: AdoptOutcome, log: (message: string) => void): Promise<void> {
  if (outcome.kind === 'lost') return session.markLost();
  if (outcome.kind === 'exited') {
    session.finishUnwatched(outcome.code, outcome.signal, outcome.output);
    return log(`${session.id} ended while the daemon was away (${outcome.signal ?? `code ${outcome.code}`})`);
  }
  try {
    await session.adopt(outcome.seed, outcome.connect);
  } catch (error) {
    log(`cannot adopt ${session.id}: ${(error as Error).message}`);
    session.markLost();
  }
}
