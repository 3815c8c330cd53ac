import type { Command } from 'commander';
import { TOOL_NAMES } from '../../shared/protocol/session.js';
import { connectDaemon } from '../client.js';
import { printJson } from '../output.js';
import { callerCwd, callerEnv } from '../callerContext.js';
import { attach } from '../attach.js';
import { defaultDetachKeys } from '../settings.js';
import { parseDetachKeys } from '../detachKeys.js';

interface NewOptions {
  cwd?: string;
  name?: string;
  yolo?: boolean;
  direct?: boolean;
  baseUrl?: string;
  attach?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('new')
    .description('start a session and print its ID')
    .argument('<tool>', `one of: ${TOOL_NAMES.join(', ')}`)
    .argument('[args...]', 'arguments for the tool (after --)')
    .option('--cwd <dir>', 'work directory (default: the current one)')
    .option('--name <name>', 'a unique name to use instead of the ID')
    .option('--yolo', 'auto-approve the agent’s prompts')
    .option('--direct', 'run on a direct PTY, not inside tmux')
    .option('--base-url <url>', 'endpoint for the custom tool')
    .option('-a, --attach', 'attach right after starting')
    .option('--json', 'print the session as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  id=$(kojo new claude --yolo -- --model opus)\n  kojo new exec --name build -- make -j2\n  kojo new tmux -a',
    )
    .action(async (tool: string, args: string[], options: NewOptions) => {
      // A bad configured detach key is said before a session is made, not after.
      const detachKeys = options.attach ? defaultDetachKeys() : undefined;
      if (detachKeys !== undefined) parseDetachKeys(detachKeys);
      const client = await connectDaemon();
      const { stdout } = process;
      const cwd = callerCwd(options.cwd);
      const env = callerEnv();
      const info = await client.call('session.create', {
        tool,
        args,
        ...(cwd !== undefined && { cwd }),
        ...(env && { env }),
        ...(options.name !== undefined && { name: options.name }),
        ...(options.yolo && { yolo: true }),
        ...(options.direct && { direct: true }),
        ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }),
        ...(stdout.isTTY && { cols: stdout.columns, rows: stdout.rows }),
      });
      client.close();
      if (detachKeys !== undefined) {
        process.exitCode = await attach(info.id, { detachKeys, readOnly: false });
        return;
      }
      if (options.json) printJson(info);
      else stdout.write(`${info.id}\n`);
    });
}
