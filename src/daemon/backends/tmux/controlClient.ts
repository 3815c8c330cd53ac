import { spawn, type ChildProcess } from 'node:child_process';

/** Bytes per send-keys command: keeps each control line short. */
const INPUT_CHUNK = 1024;

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
 * The daemon's hand on an agent's tmux session: a control-mode client
 * (`tmux -C`) that asks for no output, so tmux renders nothing for it. Typed
 * bytes go to the pane as literal keys (`send-keys -l`), exactly as typed; the
 * size is the client's (`refresh-client -C`).
 */
export class ControlClient {
  private readonly child: ChildProcess;

  constructor(
    tmuxArgs: string[],
    tmuxPath: string,
    private readonly target: string,
    cols: number,
    rows: number,
    onExit: () => void,
  ) {
    this.child = spawn(tmuxPath, [...tmuxArgs, '-C', 'attach-session', '-t', target], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    this.child.stdout!.resume(); // Replies and notifications: not needed.
    this.child.stdin!.on('error', () => undefined);
    this.child.on('exit', onExit);
    this.command('refresh-client -f no-output');
    this.resize(cols, rows);
  }

  write(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; at += INPUT_CHUNK) {
      // `--`: input that begins with "-" is keys, not an option.
      this.command(`send-keys -l -t ${this.target} -- ${tmuxQuoteBytes(bytes.subarray(at, at + INPUT_CHUNK))}`);
    }
  }

  resize(cols: number, rows: number): void {
    this.command(`refresh-client -C ${cols}x${rows}`);
  }

  kill(): void {
    this.child.kill();
  }

  private command(line: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(line + '\n');
  }
}
