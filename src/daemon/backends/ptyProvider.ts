import type { AdoptOutcome, AdoptRequest, BackendEvents, BackendProvider, SpawnRequest } from './backend.js';
import { PtyBackend } from './pty.js';

/** Direct PTYs owned by the daemon: they end with it, so nothing is left to adopt. */
export class PtyProvider implements BackendProvider {
  readonly kind = 'pty';
  readonly outlivesDaemon = false;

  spawn(request: SpawnRequest, events: BackendEvents): { backend: PtyBackend; state: { kind: 'pty' } } {
    const args = request.terminal ? ['-l'] : request.args;
    return { backend: new PtyBackend({ ...request, args }, events), state: { kind: 'pty' } };
  }

  /** A direct session still marked running was lost with the daemon that ran it. */
  adopt(requests: AdoptRequest[]): Promise<Map<string, AdoptOutcome>> {
    return Promise.resolve(new Map(requests.map((r) => [r.id, { kind: 'lost' } as const])));
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
