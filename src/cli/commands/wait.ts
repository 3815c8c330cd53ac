import type { Command } from 'commander';
import { AGENT_STATES, type AgentState } from '../../shared/protocol/agent.js';
import type { SessionInfo } from '../../shared/protocol/session.js';
import { connectDaemon } from '../client.js';
import { CliError } from '../output.js';

/** Exit status on timeout, as timeout(1). */
export const TIMED_OUT = 124;

/** `--timeout S` (seconds, fractions allowed) in milliseconds. */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds * 1000 > 2 ** 31 - 1) {
    throw new CliError(`--timeout takes seconds, not "${value}"`, 2);
  }
  return Math.round(seconds * 1000);
}

/** A session that ended: its exit code (128+N for signal N); 1 when it is not known. */
export function exitStatusOf(info: SessionInfo): number {
  return info.exitCode ?? 1;
}

function parseStates(value: string): AgentState[] {
  return value.split(',').map((word) => {
    const state = word.trim() === 'exit' ? 'exited' : word.trim();
    if (!(AGENT_STATES as readonly string[]).includes(state)) {
      throw new CliError(`unknown state "${word}" (states: ${AGENT_STATES.join(', ')}; exit = exited)`, 2);
    }
    return state as AgentState;
  });
}

export function register(program: Command): void {
  program
    .command('wait')
    .description('wait until a session exits (exit status: its code) or reaches an agent state')
    .argument('<session>', 'ID, unique ID prefix, or name')
    .option('--until <states>', `comma-separated: ${AGENT_STATES.join(', ')} (an exit always ends the wait)`)
    .option('--timeout <seconds>', 'give up after this long (exit status 124)')
    .addHelpText(
      'after',
      '\nExamples:\n  kojo wait build && echo done\n  kojo wait api --until idle,asking --timeout 300',
    )
    .action(async (ref: string, options: { until?: string; timeout?: string }) => {
      const until = options.until === undefined ? undefined : parseStates(options.until);
      const timeoutMs = parseTimeout(options.timeout);
      const client = await connectDaemon();
      const result = await client.call('session.wait', {
        session: ref,
        ...(until && { until }),
        ...(timeoutMs !== undefined && { timeoutMs }),
      });
      if (result.reason === 'timeout') process.exitCode = TIMED_OUT;
      else if (result.reason === 'exited') process.exitCode = exitStatusOf(result.info);
    });
}
