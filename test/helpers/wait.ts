// Waiting on processes and conditions, with no test-runner hooks: the
// benchmark uses these too.
import fs from 'node:fs';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or the deadline passes. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 50);
  }
}

/**
 * Processes started for a sandbox, found by its unique directory in their
 * command line or environment (KOJO_HOME): a daemon or tmux server a test
 * lost track of (its socket moved, a respawn) is still ended by PID.
 */
export function pidsOf(unique: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return pids; // Not Linux: nothing to look through.
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (cmdline.includes(unique) || environ.includes(unique)) pids.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}
