import type { Command } from 'commander';
import { connectDaemon } from '../client.js';
import { CliError } from '../output.js';
import { plainText } from '../plainText.js';
import { KEY_NAMES_HELP } from '../../shared/keys.js';
import { TIMED_OUT, exitStatusOf, parseTimeout } from './wait.js';

/**
 * `send --wait` on a session that reports no agent state: its output quiet
 * this long counts as "idle again".
 */
const QUIET_MS = 1500;

interface SendOptions {
  enter: boolean;
  key: string[];
  wait?: boolean;
  timeout?: string;
}

export function register(program: Command): void {
  program
    .command('send')
    .description('type text (as a paste, then Enter) or named keys into a session')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .argument('[text...]', 'text to type (words joined by spaces); - reads stdin')
    .option('--no-enter', 'do not press Enter after the text')
    .option('--key <name>', `a named key, after the text; repeatable (${KEY_NAMES_HELP})`, collect, [])
    .option('--wait', 'then wait until the agent is idle or asking again (or exits), printing its new output')
    .option('--timeout <seconds>', 'with --wait: give up after this long (exit status 124)')
    .addHelpText(
      'after',
      [
        '\nExamples:',
        '  kojo send api "fix the failing test in src/x.ts"',
        '  kojo send api --no-enter -- "partial"',
        '  kojo send api --key C-c',
        '  echo "long prompt" | kojo send api -',
        '  kojo send api "run the tests" --wait',
      ].join('\n'),
    )
    .action(async (ref: string, words: string[], options: SendOptions) => {
      const timeoutMs = parseTimeout(options.timeout);
      const text = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
      if (words.length === 0 && options.key.length === 0) {
        throw new CliError('nothing to send: give text, - for stdin, or --key NAME', 2);
      }
      const client = await connectDaemon();
      const sent = await client.call('session.send', {
        session: ref,
        ...(words.length > 0 && { text }),
        enter: options.enter,
        keys: options.key,
      });
      if (!options.wait) return;
      const waited = await client.call('session.wait', {
        session: sent.id,
        until: ['idle', 'asking'],
        after: { ...(sent.state && { state: sent.state }), ...(sent.stateSince && { stateSince: sent.stateSince }) },
        quietMs: QUIET_MS,
        outputSince: sent.position,
        ...(timeoutMs !== undefined && { timeoutMs }),
      });
      process.stdout.write(plainText(Buffer.from(waited.output ?? '', 'base64')));
      if (waited.reason === 'timeout') process.exitCode = TIMED_OUT;
      else if (waited.reason === 'exited') process.exitCode = exitStatusOf(waited.info);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Text from stdin, less the one newline that ends it (Enter is sent apart). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
