import type { Command } from 'commander';
import { connectDaemon } from '../client.js';
import { CliError, printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('capture')
    .description("print a session's screen as text, from its terminal emulator (exited: its last screen)")
    .argument('<session>', 'ID, unique ID prefix, or name')
    .option('-e, --escape', 'keep colours and attributes as escape sequences')
    .option('-S, --scrollback <lines>', 'also this many scrollback lines above the screen (at most 1000 are kept)')
    .option('--json', 'print {cols, rows, cursor: {x, y}, lines} (cursor 0-based, on the screen)')
    .addHelpText('after', '\nExamples:\n  kojo capture api\n  kojo capture api -e -S 500\n  kojo capture api --json')
    .action(async (ref: string, options: { escape?: boolean; scrollback?: string; json?: boolean }) => {
      const scrollback = options.scrollback === undefined ? 0 : Number(options.scrollback);
      if (!Number.isSafeInteger(scrollback) || scrollback < 0) {
        throw new CliError(`--scrollback takes a number of lines, not "${options.scrollback}"`, 2);
      }
      const client = await connectDaemon();
      const capture = await client.call('session.capture', {
        session: ref,
        escapes: options.escape ?? false,
        scrollback,
      });
      if (options.json) return printJson(capture);
      // Blank rows below the last line written are the screen's, not the program's.
      const lines = [...capture.lines];
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      process.stdout.write(lines.map((line) => line + '\n').join(''));
    });
}
