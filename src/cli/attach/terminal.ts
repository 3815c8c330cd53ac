import { execFileSync } from 'node:child_process';

/** `stty -g` of the terminal on stdin, to put back exactly on the way out. */
export function sttySettings(): string | undefined {
  try {
    return execFileSync('stty', ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

export function stty(args: string[]): void {
  try {
    execFileSync('stty', args, { stdio: ['inherit', 'ignore', 'ignore'] });
  } catch {
    // Not a terminal stty can set; raw mode alone will have to do.
  }
}

/** The detach keys as a person reads them: `ctrl-a,d` → `Ctrl-a d`. */
export function describeKeys(spec: string): string {
  return spec
    .split(',')
    .map((key) => key.replace(/^ctrl-/i, 'Ctrl-'))
    .join(' ');
}
