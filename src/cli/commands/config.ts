import type { Command } from 'commander';
import { connectDaemon } from '../client.js';

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('read or change settings (config.json in ~/.config/kojo, or in KOJO_HOME when set)')
    .addHelpText(
      'after',
      '\nKeys:\n  custom-base-url   endpoint of the custom tool (default http://localhost:8080)\n  detach-keys       default key sequence that detaches attach, new -a and tmux (default ctrl-\\)\n\nExamples:\n  kojo config set custom-base-url http://127.0.0.1:4000\n  kojo config get custom-base-url',
    );
  config
    .command('get')
    .description('print a setting')
    .argument('<key>')
    .action(async (key: string) => {
      const client = await connectDaemon();
      const { value } = await client.call('config.get', { key });
      client.close();
      process.stdout.write(`${value}\n`);
    });
  config
    .command('set')
    .description('change a setting')
    .argument('<key>')
    .argument('<value>')
    .action(async (key: string, value: string) => {
      const client = await connectDaemon();
      await client.call('config.set', { key, value });
      client.close();
    });
}
