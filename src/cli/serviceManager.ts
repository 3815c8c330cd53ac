// Tells systemd (or launchd) about the service file install wrote or
// uninstall removes, where that service manager is present.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { SYSTEMD_UNIT, type ServiceFile } from './service.js';
import { warn } from './output.js';

/** Runs a command; undefined on success, else why not. */
function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error)
    return (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${command} not found` : result.error.message;
  if (result.status !== 0)
    return (result.stderr || result.stdout).trim().split('\n')[0] || `exit status ${result.status}`;
  return undefined;
}

function gui(): string {
  return `gui/${os.userInfo().uid}`;
}

export async function activate(service: ServiceFile): Promise<void> {
  if (service.kind === 'launchd') {
    const problem = run('launchctl', ['bootstrap', gui(), service.file]);
    if (problem) warn(`could not load it (${problem}); run: launchctl bootstrap ${gui()} ${service.file}`);
    else process.stdout.write('loaded with launchctl; it starts at login\n');
    return;
  }
  const problem =
    run('systemctl', ['--user', 'daemon-reload']) ?? run('systemctl', ['--user', 'enable', '--now', SYSTEMD_UNIT]);
  if (problem) {
    warn(
      `systemctl --user did not take it (${problem}); when systemd runs: systemctl --user enable --now ${SYSTEMD_UNIT}`,
    );
  } else {
    process.stdout.write(`enabled and started ${SYSTEMD_UNIT} (systemctl --user status ${SYSTEMD_UNIT})\n`);
  }
  process.stdout.write(
    `without linger, logging out ends your user services (and the sessions); keep them with: loginctl enable-linger ${os.userInfo().username}\n`,
  );
}

export async function deactivate(service: ServiceFile, remove: () => void): Promise<void> {
  if (service.kind === 'launchd') {
    run('launchctl', ['bootout', gui(), service.file]);
    remove();
    return;
  }
  // Stopped and disabled first (removing the unit's enable link), then the file; errors where systemd is absent are fine.
  run('systemctl', ['--user', 'disable', '--now', SYSTEMD_UNIT]);
  remove();
  run('systemctl', ['--user', 'daemon-reload']);
}
