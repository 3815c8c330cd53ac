import type { Command } from 'commander';
import type { ToolInfo } from '../../shared/protocol/requests.js';
import { TOOL_EXECUTABLE, TOOL_NAMES } from '../../shared/protocol/session.js';
import { findExecutable } from '../../shared/executables.js';
import { currentDir, printJson, table } from '../output.js';

export function toolAvailability(): Record<string, ToolInfo> {
  const result: Record<string, ToolInfo> = {};
  for (const tool of TOOL_NAMES) {
    const executable = TOOL_EXECUTABLE[tool];
    if (!executable) continue;
    const found = findExecutable(executable, process.env.PATH, currentDir());
    result[tool] = { available: found !== undefined, path: found ?? '' };
  }
  return result;
}

export function register(program: Command): void {
  program
    .command('tools')
    .description('which tools are installed, and where')
    .option('--json', 'print JSON: {tool: {available, path}}')
    .addHelpText('after', '\nExamples:\n  kojo tools\n  kojo tools --json')
    .action((options: { json?: boolean }) => {
      const tools = toolAvailability();
      if (options.json) return printJson(tools);
      process.stdout.write(
        table(
          ['TOOL', 'AVAILABLE', 'PATH'],
          Object.entries(tools).map(([name, info]) => [name, info.available ? 'yes' : 'no', info.path]),
        ),
      );
    });
}
