/** Timestamped lines on stderr: the log file when autostarted, the journal under systemd. */
export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}
