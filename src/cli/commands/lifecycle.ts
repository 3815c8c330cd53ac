// stop, rm and restart: the verbs that change whether a session runs.
import type { Command } from 'commander';
import { callerEnv } from '../callerContext.js';
import { connectDaemon, type DaemonClient } from '../client.js';
import { CliError, warn } from '../output.js';

/** Runs `action` on every named session; reports each failure, fails if any did. */
async function eachSession(
  refs: string[],
  action: (client: DaemonClient, ref: string) => Promise<string>,
): Promise<void> {
  const client = await connectDaemon();
  let failed = 0;
  for (const ref of refs) {
    try {
      process.stdout.write(`${await action(client, ref)}\n`);
    } catch (error) {
      if (refs.length === 1) {
        client.close();
        throw error;
      }
      failed++;
      warn(`${ref}: ${(error as Error).message}`);
    }
  }
  client.close();
  if (failed) throw new CliError('', 1);
}

export function register(program: Command): void {
  program
    .command('stop')
    .description('stop sessions (SIGTERM, SIGKILL after 5 s); an exited one is left as it is, and that succeeds')
    .argument('<session...>', 'IDs, unique ID prefixes, or names')
    .addHelpText('after', '\nExamples:\n  kojo stop build\n  kojo ls -q | xargs kojo stop')
    .action((refs: string[]) =>
      eachSession(refs, async (client, ref) => (await client.call('session.stop', { session: ref })).id),
    );

  program
    .command('rm')
    .description('remove exited sessions')
    .argument('<session...>', 'IDs, unique ID prefixes, or names')
    .option('-f, --force', 'stop running sessions first')
    .addHelpText('after', '\nExamples:\n  kojo rm build\n  kojo rm -f s_3f2a')
    .action((refs: string[], options: { force?: boolean }) =>
      eachSession(
        refs,
        async (client, ref) =>
          (await client.call('session.remove', { session: ref, force: options.force ?? false })).id,
      ),
    );

  program
    .command('restart')
    .description('start an exited session again (same ID, scrollback kept; agents resume)')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .addHelpText('after', '\nExample:\n  kojo restart build')
    .action((ref: string) =>
      eachSession(
        [ref],
        // Secrets are not stored: a restarted session takes them from this shell (on this machine).
        async (client, r) => {
          const env = callerEnv();
          return (await client.call('session.restart', { session: r, ...(env && { env }) })).id;
        },
      ),
    );
}
