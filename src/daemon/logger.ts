import fs from 'node:fs';

/**
 * Timestamped lines on stderr: the log file when autostarted, the journal
 * under systemd. A line that cannot be written (a full disk) is dropped: the
 * log must never take the daemon down.
 */
export function log(message: string): void {
  try {
    fs.writeSync(2, `${new Date().toISOString()} ${message}\n`);
  } catch {
    // Nowhere left to say it.
  }
}
