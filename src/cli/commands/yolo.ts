import type { Command } from 'commander';
import type { YoloApproval } from '../../shared/protocol/agent.js';
import { connectDaemon } from '../client.js';
import { CliError, plural } from '../output.js';
import { watch } from '../watch.js';

export function register(program: Command): void {
  program
    .command('yolo')
    .description('show or set auto-approval of agent prompts')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .argument('[state]', 'on or off')
    .option('--watch', 'print approvals as they happen, until the session ends')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  kojo yolo build on\n  kojo yolo build\n  kojo yolo build --watch')
    .action(async (ref: string, state: string | undefined, options: { watch?: boolean; json?: boolean }) => {
      if (state !== undefined && state !== 'on' && state !== 'off') {
        throw new CliError(`state must be on or off, not "${state}"`, 2);
      }
      const client = await connectDaemon();
      const result = await client.call('session.yolo', {
        session: ref,
        ...(state !== undefined && { enabled: state === 'on' }),
      });
      client.close();
      if (options.watch) {
        process.exitCode = await watch(result.id, 'yolo', (params) => {
          const approval = params as YoloApproval;
          if (options.json) process.stdout.write(JSON.stringify(approval) + '\n');
          else process.stdout.write(`${approval.time}  ${describeApproval(approval)}\n`);
        });
        return;
      }
      if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(`${result.yoloMode ? 'on' : 'off'} (${plural(result.approvals.length, 'approval')})\n`);
    });
}

/** A hook approval names its tool and input; a screen one the prompt it answered. */
function describeApproval(approval: YoloApproval): string {
  if (approval.via === 'hook' && approval.tool) return `${approval.tool}: ${approval.input ?? ''}`.replace(/\s+/g, ' ');
  return approval.matched.replace(/\s+/g, ' ');
}
