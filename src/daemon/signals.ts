import os from 'node:os';

/** SIGINT/SIGTERM end the daemon gracefully; SIGHUP (a closed terminal) is ignored. */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      handler(signal);
    });
  }
  process.on('SIGHUP', () => undefined);
}

/** SIGTERM for 15, and so on. */
export function signalName(signal: number): string {
  return Object.entries(os.constants.signals).find(([, value]) => value === signal)?.[0] ?? `SIG${signal}`;
}
