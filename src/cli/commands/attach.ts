import type { Command } from 'commander';
import { attach } from '../attach.js';
import { defaultDetachKeys } from '../settings.js';

export function register(program: Command): void {
  program
    .command('attach')
    .description('attach this terminal to a session (Ctrl-\\ detaches)')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .option(
      '--detach-keys <keys>',
      'key sequence that detaches, e.g. ctrl-a,d (default: config detach-keys, else ctrl-\\)',
    )
    .option('--read-only', 'watch without typing')
    .option('-q, --quiet', 'no hint line before attaching')
    .option('--detach-on-eof', 'input from a file or pipe: detach when it ends (default: keep watching)')
    .addHelpText(
      'after',
      '\nExamples:\n  kojo attach build\n  kojo attach s_3f2a --read-only\n  kojo attach build --detach-keys ctrl-a,d\n  kojo attach build --detach-on-eof < commands.txt',
    )
    .action(
      async (
        ref: string,
        options: { detachKeys?: string; readOnly?: boolean; quiet?: boolean; detachOnEof?: boolean },
      ) => {
        process.exitCode = await attach(ref, {
          detachKeys: options.detachKeys ?? defaultDetachKeys(),
          readOnly: options.readOnly ?? false,
          quiet: options.quiet ?? false,
          detachOnEof: options.detachOnEof ?? false,
        });
      },
    );
}
