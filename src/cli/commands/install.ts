// `kojo daemon install [--dry-run]` and `kojo daemon uninstall`: the daemon as
// a systemd user service (Linux) or a launchd agent (macOS).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../output.js';

export function register(program: Command): void {
  const daemon = program.commands.find((c) => c.name() === 'daemon');
  if (!daemon) return;
  daemon
    .command('install')
    .description('run the daemon as a systemd user service (Linux) or launchd agent (macOS)')
    .option('--dry-run', 'print the service file instead of installing it')
    .action(async (options: { dryRun?: boolean }) => {
      const { serviceFile } = await import('../service.js');
      const service = serviceFile({
        node: process.execPath,
        // This CLI's own bundle, dist/cli.cjs: the unit runs what installed it.
        cli: fileURLToPath(import.meta.url),
        ...(process.env.KOJO_HOME && { kojoHome: path.resolve(process.env.KOJO_HOME) }),
        ...(process.env.PATH && { path: process.env.PATH }),
      });
      if (options.dryRun) return void process.stdout.write(service.content);
      fs.mkdirSync(path.dirname(service.file), { recursive: true });
      fs.writeFileSync(service.file, service.content, { mode: 0o644 });
      process.stdout.write(`wrote ${service.file}\n`);
      const { activate } = await import('../serviceManager.js');
      await activate(service);
    });

  daemon
    .command('uninstall')
    .description('remove what `kojo daemon install` wrote (the service is stopped first)')
    .action(async () => {
      const { serviceFile, MARKER } = await import('../service.js');
      const service = serviceFile({ node: '', cli: '' });
      let content: string;
      try {
        content = fs.readFileSync(service.file, 'utf8');
      } catch {
        throw new CliError(`not installed (no ${service.file})`);
      }
      if (!content.includes(MARKER)) throw new CliError(`${service.file} was not written by kojo; left alone`);
      const { deactivate } = await import('../serviceManager.js');
      await deactivate(service, () => fs.rmSync(service.file));
      process.stdout.write(`removed ${service.file}\n`);
    });
}
