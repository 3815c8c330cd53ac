import { fileURLToPath } from 'node:url';
import type { HookSource } from '../../../shared/protocol/agent.js';

/** How an agent runs `kojo hook`: this node, the CLI bundle beside the daemon's, the daemon's socket. */
export function hookArgv(source: HookSource, socket: string): string[] {
  const cli = fileURLToPath(new URL('./cli.cjs', import.meta.url)); // dist/cli.cjs beside dist/daemon.js
  return [process.execPath, cli, 'hook', source, '--socket', socket];
}

/** The same as one shell command line (claude and gemini run hooks through a shell). */
export function hookShellCommand(source: HookSource, socket: string): string {
  return hookArgv(source, socket).map(shellQuote).join(' ');
}

export function shellQuote(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
