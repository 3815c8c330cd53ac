import type { Command } from 'commander';
import { openLocalStream } from '../client.js';

/** Hidden plumbing for other kojo processes, not for people. */
export function register(program: Command): void {
  const system = program.command('system', { hidden: true }).description('plumbing for other kojo processes');
  system
    .command('dial-stdio')
    .description("join stdin/stdout to this machine's daemon socket (what `kojo --host` runs over ssh)")
    .option('--no-autostart', 'fail if the daemon is not running instead of starting it')
    .action(async (options: { autostart: boolean }) => {
      const { dialStdio } = await import('../remote/dialStdio.js');
      process.exitCode = await dialStdio(await openLocalStream({ autostart: options.autostart }));
    });
}
