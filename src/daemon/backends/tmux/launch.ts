import fs from 'node:fs';

/** How long a pane's shell waits for the daemon to confirm it read the end marker (no daemon: the next one reads tmux). */
const END_ACK_WAIT_S = 30;

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface LaunchScript {
  tmux: string[];
  /** The tmux session's name: the start signal's channel. */
  name: string;
  env: Record<string, string>;
  command: string[];
  /** Agents: the end marker's text, written after the program's last byte. */
  marker?: string;
  /** Terminals: where the shell leaves the program's exit code. */
  exitFile?: string;
}

/**
 * The pane's process: a small sh that waits until the daemon is ready for
 * its output, runs the program as its child with exactly the caller's
 * environment (and TMUX/TMUX_PANE of kojo's server), and then ends as the
 * program did: same code, or killed by the same signal (128+N, except the
 * stop signals 19-22, which end nothing). Ctrl-C and Ctrl-\ end the program,
 * never the shell.
 *
 * An agent's shell then writes an end marker into the pane (an OSC that tmux
 * ignores): tmux hands the pane's bytes on in order, so the daemon reading it
 * proves it has every byte before. The shell waits (bounded) until the
 * daemon says so, since tmux 3.3a closes a pane the moment its process exits.
 */
export function launchScript(launch: LaunchScript): string {
  const tmux = launch.tmux.map(shellQuote).join(' ');
  const env = Object.entries(launch.env).map(([k, v]) => shellQuote(`${k}=${v}`));
  const program = `/usr/bin/env -i ${env.join(' ')} "TMUX=$TMUX" "TMUX_PANE=$TMUX_PANE" ${launch.command.map(shellQuote).join(' ')}`;
  const lines = [
    'rm -f -- "$0"',
    // The shell's own stderr is /dev/null (the pane's is kept on 3 for the
    // program): dash reports a child killed by a signal ("Terminated") there.
    'exec 3>&2 2>/dev/null',
    `${tmux} wait-for ${shellQuote(launch.name)}`,
    'trap : INT QUIT', // A handler, not "ignore": the program still gets the defaults.
    // A subshell that execs it: dash would apply 2>&3 to itself while it waits.
    `( exec ${program} 2>&3 3>&- )`,
    'code=$?',
  ];
  if (launch.exitFile) lines.push(`printf %s "$code" > ${shellQuote(launch.exitFile)}`);
  if (launch.marker) {
    lines.push(
      `printf '\\033]6973;${launch.marker}\\007'`,
      `${tmux} wait-for ${shellQuote(`${launch.name}-end`)} </dev/null >/dev/null 2>&1 & w=$!`,
      `( sleep ${END_ACK_WAIT_S}; kill $w ) </dev/null >/dev/null 2>&1 & t=$!`,
      'wait $w',
      'kill $t 2>/dev/null',
    );
  }
  lines.push(
    'case $code in 129|13[0-9]|14[0-6]|15[1-9]) trap - INT QUIT; kill -$((code - 128)) $$ ;; esac',
    'exit $code',
    '',
  );
  return lines.join('\n');
}

/** The end marker's bytes as they come out of the pane, for a marker text. */
export function markerBytes(text: string): Buffer {
  return Buffer.from(`\x1b]6973;${text}\x07`, 'latin1');
}

/**
 * The program's pid: the pane's shell's child that is not tmux (the shell's
 * own `wait-for`). Linux only (/proc); elsewhere the shell's pid.
 */
export function programPid(panePid: number, tmuxPath: string): number | undefined {
  let children: string;
  try {
    children = fs.readFileSync(`/proc/${panePid}/task/${panePid}/children`, 'utf8');
  } catch {
    return undefined;
  }
  for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
    try {
      if (fs.readlinkSync(`/proc/${child}/exe`) !== tmuxPath) return child;
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}
