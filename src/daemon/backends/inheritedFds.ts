// node-pty opens its PTY masters without close-on-exec, so every process the
// daemon spawns would inherit the masters of the direct sessions open at the
// time. A long-lived tmux (a server started later, a control client) would
// then keep those PTYs alive after their sessions end. Node cannot set
// FD_CLOEXEC, but spawn() can put another descriptor in any slot: each
// inheritable descriptor above stderr is replaced by /dev/null in the child.
import fs from 'node:fs';
import type { StdioPipe, StdioNull } from 'node:child_process';

export type Slot = StdioPipe | StdioNull | number;

const CLOSE_ON_EXEC = 0o2000000;

/** The descriptors above stderr a child would inherit (Linux; none known elsewhere). */
function inheritable(): number[] {
  let fds: number[];
  try {
    fds = fs.readdirSync('/proc/self/fd').map(Number);
  } catch {
    return [];
  }
  return fds.filter((fd) => {
    if (fd <= 2) return false;
    try {
      const flags = /^flags:\s+([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      return flags !== null && (Number.parseInt(flags[1]!, 8) & CLOSE_ON_EXEC) === 0;
    } catch {
      return false; // Closed meanwhile (the directory's own descriptor).
    }
  });
}

/**
 * spawn()'s `stdio` for `standard` (the first three) that hides every
 * inheritable descriptor: call `done()` once the child has started, to close
 * the /dev/null opened for it.
 */
export function stdioHidingInherited(standard: [Slot, Slot, Slot]): { stdio: Slot[]; done(): void } {
  const fds = inheritable();
  if (fds.length === 0) return { stdio: standard, done: () => undefined };
  const devNull = fs.openSync('/dev/null', 'r');
  const stdio: Slot[] = [...standard];
  for (const fd of fds) {
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = devNull;
  }
  return { stdio, done: () => fs.closeSync(devNull) };
}
