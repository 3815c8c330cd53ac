import type { Command } from 'commander';
import { connectDaemon } from '../client.js';
import { attach } from '../attach.js';
import { defaultDetachKeys } from '../settings.js';

export function register(program: Command): void {
  program
    .command('tmux')
    .description('open the terminal next to a session (created on first use), or run an action on it')
    .argument('<session>', 'ID, unique ID prefix, or name of the parent session')
    .argument(
      '[action]',
      'kill-pane, new-window, prev-window, next-window, split-h, split-v, select-pane, resize-pane-z, choose-tree, copy-mode',
    )
    .addHelpText('after', '\nExamples:\n  kojo tmux build\n  kojo tmux build split-h')
    .action(async (ref: string, action: string | undefined) => {
      const client = await connectDaemon();
      if (action !== undefined) {
        await client.call('session.tmuxAction', { session: ref, action });
        client.close();
        return;
      }
      const child = await client.call('session.tmuxOpen', { session: ref });
      client.close();
      process.exitCode = await attach(child.id, { detachKeys: defaultDetachKeys(), readOnly: false });
    });
}
