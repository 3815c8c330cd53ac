import type { Command } from 'commander';
import type { Attachment } from '../../shared/protocol/agent.js';
import { connectDaemon } from '../client.js';
import { CliError, printJson, table } from '../output.js';
import { watch } from '../watch.js';

export function register(program: Command): void {
  program
    .command('attachments')
    .description('media files the session printed (images, videos)')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .argument('[action...]', 'rm <path>: stop tracking a file (it is not deleted)')
    .option('--json', 'print JSON')
    .option('--watch', 'print new attachments as they appear, until the session ends')
    .addHelpText(
      'after',
      '\nExamples:\n  kojo attachments build\n  kojo attachments build --json\n  kojo attachments build rm ./shot.png',
    )
    .action(async (ref: string, action: string[], options: { json?: boolean; watch?: boolean }) => {
      if (action.length) {
        if (action[0] !== 'rm' || action.length !== 2)
          throw new CliError('usage: kojo attachments <session> rm <path>', 2);
        const client = await connectDaemon();
        await client.call('session.attachmentRemove', { session: ref, path: action[1]! });
        client.close();
        return;
      }
      if (options.watch) {
        process.exitCode = await watch(ref, 'attachments', (params) => {
          const a = params as Attachment;
          process.stdout.write(options.json ? JSON.stringify(a) + '\n' : `${a.path}\n`);
        });
        return;
      }
      const client = await connectDaemon();
      const attachments = await client.call('session.attachments', { session: ref });
      client.close();
      if (options.json) return printJson(attachments);
      if (attachments.length === 0) return;
      process.stdout.write(
        table(
          ['PATH', 'MIME', 'SIZE'],
          attachments.map((a) => [a.path, a.mime, String(a.size)]),
        ),
      );
    });
}
