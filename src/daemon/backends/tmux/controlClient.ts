import { spawn, type ChildProcess } from 'node:child_process';
import { stdioHidingInherited } from '../inheritedFds.js';
import { LineReader } from '../../../shared/lineReader.js';

/** Bytes per send-keys command: keeps each control line short. */
const INPUT_CHUNK = 1024;
/** tmux's replies to our commands are short; anything longer is not tmux. */
const CONTROL_LINE_MAX_BYTES = 1024 * 1024;

/** Escapes bytes for a tmux double-quoted string: safe characters as they are, the rest octal. */
export function tmuxQuoteBytes(data: Buffer): string {
  let out = '"';
  for (const byte of data) {
    const safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
    out += safe ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out + '"';
}

/**
 * The daemon's one control-mode client (`tmux -C`) on its private server,
 * attached to a session of its own and asking for no output, so tmux renders
 * nothing for it. Typed bytes go to a pane as literal keys (`send-keys -l`),
 * sizes per window (`resize-window`); tmux's notifications (`%…` lines
 * outside command replies) are handed to `onNotice`.
 */
export class ControlClient {
  private readonly child: ChildProcess;
  private inReply = false;

  constructor(
    tmuxArgs: string[],
    tmuxPath: string,
    session: string,
    onNotice: (line: string) => void,
    onExit: () => void,
    onReplyLine: (line: string) => void = () => undefined,
  ) {
    // Long-lived: it must not hold the masters of direct sessions open now.
    const { stdio, done } = stdioHidingInherited(['pipe', 'pipe', 'ignore']);
    this.child = spawn(tmuxPath, [...tmuxArgs, '-C', 'attach-session', '-t', session], {
      stdio,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    done();
    const reader = new LineReader(CONTROL_LINE_MAX_BYTES);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch {
        return this.kill(); // Not tmux talking; the exit handler starts a new client.
      }
      for (const line of lines) {
        if (line.startsWith('%begin')) this.inReply = true;
        else if (line.startsWith('%end') || line.startsWith('%error')) this.inReply = false;
        else if (this.inReply) onReplyLine(line);
        else if (line.startsWith('%')) onNotice(line);
      }
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.on('exit', onExit);
    this.command('refresh-client -f no-output');
  }

  /** Types `data` into `target` exactly as given. */
  write(target: string, data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; at += INPUT_CHUNK) {
      // `--`: input that begins with "-" is keys, not an option.
      this.command(`send-keys -l -t ${target} -- ${tmuxQuoteBytes(bytes.subarray(at, at + INPUT_CHUNK))}`);
    }
  }

  resize(target: string, cols: number, rows: number): void {
    this.command(`resize-window -t ${target} -x ${cols} -y ${rows}`);
  }

  /** Runs a command whose answer is not needed (tmux answers in order; we skip the reply). */
  command(line: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(line + '\n');
  }

  kill(): void {
    this.child.kill();
  }
}
