import type { Command } from 'commander';
import { Notification } from '../../shared/protocol/requests.js';
import type { StateEvent } from '../../shared/protocol/session.js';
import { connectDaemon } from '../client.js';
import { color } from '../output.js';

export function register(program: Command): void {
  program
    .command('events')
    .description('print agent state changes of every session as they happen, until Ctrl-C')
    .option('--json', 'one JSON object per line')
    .addHelpText('after', '\nExamples:\n  kojo events\n  kojo events --json | jq -c "select(.attention)"')
    .action(async (options: { json?: boolean }) => {
      const client = await connectDaemon();
      process.exitCode = await new Promise<number>((resolve) => {
        client.onNotification = (method, params) => {
          if (method !== Notification.StateChanged) return;
          const event = params as StateEvent;
          process.stdout.write((options.json ? JSON.stringify(event) : describe(event)) + '\n');
        };
        client.onClose = () => resolve(0);
        process.once('SIGINT', () => {
          client.close();
          resolve(130);
        });
        client.call('events.subscribe', {}).catch(() => resolve(1));
      });
    });
}

function describe(event: StateEvent): string {
  const who = event.name ? `${event.id} (${event.name})` : event.id;
  const mark = event.attention ? color.yellow(' !') : '';
  const message = event.message ? `  ${event.message}` : '';
  return `${event.time}  ${who}  ${event.previous} -> ${event.state} [${event.stateSource}]${mark}${message}`;
}
