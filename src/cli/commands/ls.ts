import type { Command } from 'commander';
import type { SessionInfo } from '../../shared/protocol/session.js';
import { connectDaemon } from '../client.js';
import { age, color, printJson, table, warn } from '../output.js';

export function register(program: Command): void {
  program
    .command('ls')
    .alias('list')
    .description('list sessions')
    .option('-a, --all', 'include internal sessions (terminals opened by kojo tmux)')
    .option('--json', 'print a JSON array of sessions')
    .option('-q, --quiet', 'print IDs only')
    .addHelpText('after', '\nExamples:\n  kojo ls\n  kojo ls -q | xargs kojo stop\n  kojo ls --json | jq ".[].id"')
    .action(async (options: { all?: boolean; json?: boolean; quiet?: boolean }) => {
      const client = await connectDaemon();
      if (client.hello?.storeProblem) warn(`sessions may be missing: ${client.hello.storeProblem}`);
      const sessions = await client.call('session.list', { all: options.all ?? false });
      client.close();
      if (options.json) return printJson(sessions);
      if (options.quiet) return void process.stdout.write(sessions.map((s) => `${s.id}\n`).join(''));
      process.stdout.write(
        table(
          ['ID', 'NAME', 'TOOL', 'STATUS', 'STATE', 'YOLO', 'AGE', 'WORKDIR'],
          sessions.map((s) => [s.id, s.name ?? '', s.tool, status(s), state(s), yolo(s), age(s.createdAt), s.workDir]),
          (_row, col, cell) => (col === 3 ? (cell === 'running' ? color.green(cell) : color.dim(cell)) : cell),
        ),
      );
    });
}

function status(s: SessionInfo): string {
  if (s.status === 'running') return 'running';
  if (s.lost) return 'lost';
  if (s.exitSignal) return `exited ${s.exitSignal}`;
  return s.exitCode === undefined ? 'exited ?' : `exited ${s.exitCode}`;
}

/** `asking 2m`, marked `!` while the change has not been seen at a terminal (SPEC §10). */
function state(s: SessionInfo): string {
  if (!s.state) return '-';
  const since = (s.state === 'idle' || s.state === 'asking') && s.stateSince ? ` ${age(s.stateSince)}` : '';
  return `${s.attention ? '!' : ''}${s.state}${since}`;
}

function yolo(s: SessionInfo): string {
  if (!s.yoloMode) return s.yoloApprovals ? `off (${s.yoloApprovals})` : 'off';
  return `on (${s.yoloApprovals})`;
}
