// Process trees and their memory, from /proc: RSS from status, PSS from
// smaps_rollup (a shared page counts for its share only).
import fs from 'node:fs';

export interface Usage {
  pids: number[];
  rssMiB: number;
  pssMiB: number;
}

function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

export function descendants(roots: number[]): number[] {
  const children = parentMap();
  const found: number[] = [];
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The processes whose command line holds `unique` (a scratch path only we use). */
export function pidsHolding(unique: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => commandLine(pid).includes(unique));
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

function field(file: string, name: string): number {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(file, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export const rssMiB = (pid: number): number => field(`/proc/${pid}/status`, 'VmRSS');
export const pssMiB = (pid: number): number => field(`/proc/${pid}/smaps_rollup`, 'Pss');

export function usage(pids: number[]): Usage {
  return {
    pids,
    rssMiB: pids.reduce((sum, pid) => sum + rssMiB(pid), 0),
    pssMiB: pids.reduce((sum, pid) => sum + pssMiB(pid), 0),
  };
}

/**
 * Every process kojo adds: the daemon and its descendants, plus the
 * descendants of kojo's private tmux server; not the tmux server itself and
 * not the session programs (matched by their command line, with or
 * without a path).
 */
export function kojoAdded(daemonPid: number, tmuxServerPid: number | undefined, program: string): number[] {
  const roots = tmuxServerPid ? [daemonPid, tmuxServerPid] : [daemonPid];
  const all = new Set([daemonPid, ...descendants(roots)]);
  if (tmuxServerPid) all.delete(tmuxServerPid);
  return [...all].filter((pid) => {
    const command = commandLine(pid);
    return command !== program && !command.endsWith(`/${program}`);
  });
}
