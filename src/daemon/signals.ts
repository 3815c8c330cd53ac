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
