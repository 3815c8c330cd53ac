import type { Command } from 'commander';
import { DEFAULT_DETACH_KEYS } from '../detachKeys.js';

export function register(program: Command): void {
  program
    .command('top')
    .description('a live dashboard of every session: states, previews, one key to attach')
    .option('--detach-keys <keys>', 'keys that leave an attached session back to the list', DEFAULT_DETACH_KEYS)
    .addHelpText(
      'after',
      '\nKeys: enter attach, n new, s stop, r restart, d rm, y yolo, t terminal, / filter, a attention, ? help, q quit',
    )
    .action(async (options: { detachKeys: string }) => {
      // Its own bundle: Ink and React load for this command only.
      const { runTop } = await import('../top/run.js');
      process.exitCode = await runTop(options);
    });
}
