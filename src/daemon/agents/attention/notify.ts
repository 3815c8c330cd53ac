import { spawn } from 'node:child_process';
import type { StateEvent } from '../../../shared/protocol/session.js';

/** A notify command that has not ended by then is killed. */
const NOTIFY_TIMEOUT_MS = 30_000;

/** What a notify command is told, in its environment. */
export function notifyMessage(event: StateEvent): string {
  const who = event.name ?? event.id;
  const what = event.state === 'asking' ? 'is asking' : 'is idle';
  return event.message ? `${who} ${what}: ${event.message}` : `${who} ${what}`;
}

/**
 * Runs config `notify-command` (sh -c) for a session that needs attention.
 * Never waits for it; a failure is logged, not raised.
 */
export function runNotifyCommand(command: string, event: StateEvent, log: (message: string) => void): void {
  if (!command.trim()) return;
  try {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: 'ignore',
      env: {
        ...process.env,
        KOJO_SESSION_ID: event.id,
        KOJO_SESSION_NAME: event.name ?? '',
        KOJO_STATE: event.state,
        KOJO_MESSAGE: notifyMessage(event),
      },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), NOTIFY_TIMEOUT_MS);
    timer.unref();
    child.on('error', (error) => log(`notify-command failed for ${event.id}: ${error.message}`));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) log(`notify-command for ${event.id} ended with ${signal ?? `code ${code}`}`);
    });
  } catch (error) {
    log(`notify-command failed for ${event.id}: ${(error as Error).message}`);
  }
}
