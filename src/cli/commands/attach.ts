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
    .addHelpText(
      'after',
      '\nExamples:\n  kojo attach build\n  kojo attach s_3f2a --read-only\n  kojo attach build --detach-keys ctrl-a,d',
    )
    .action(async (ref: string, options: { detachKeys?: string; readOnly?: boolean }) => {
      const detachKeys = options.detachKeys ?? defaultDetachKeys();
      process.exitCode = await attach(ref, { detachKeys, readOnly: options.readOnly ?? false });
    });
}
