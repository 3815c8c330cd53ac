import fs from 'node:fs';
import type { Command } from 'commander';
import { statePaths } from '../../shared/paths.js';
import { NOT_RUNNING, connectDaemon, tryConnect, DaemonClient } from '../client.js';
import { selectedHost } from '../remote/transport.js';
import { CliError, printJson, warn } from '../output.js';
import { SystemFailure } from '../../shared/systemError.js';

async function running(): Promise<DaemonClient | undefined> {
  try {
    return await connectDaemon({ autostart: false });
  } catch (error) {
    // Here, or passed through from the far end of --host (prefixed with the host).
    const { message } = error as Error;
    if (message === NOT_RUNNING || message.endsWith(`: ${NOT_RUNNING}`)) return undefined;
    throw error;
  }
}

export function register(program: Command): void {
  const daemon = program
    .command('daemon')
    .description('control the background daemon')
    .addHelpText('after', '\nExamples:\n  kojo daemon status\n  kojo daemon stop\n  kojo daemon logs -n 50');

  daemon
    .command('start')
    .description('start the daemon if it is not running')
    .action(async () => {
      const already = await running();
      const client = already ?? (await connectDaemon());
      const hello = await client.call('daemon.hello', {});
      client.close();
      const what = already ? 'was already running' : 'started';
      process.stdout.write(`kojo daemon ${what} (pid ${hello.pid}, state ${hello.home})\n`);
    });

  daemon
    .command('stop')
    .description('stop the daemon (direct sessions end; tmux-backed ones keep running)')
    .action(async () => {
      const client = await running();
      if (!client) return void process.stdout.write('kojo daemon was not running\n');
      const { pid } = await client.call('daemon.shutdown', {});
      await new Promise<void>((resolve) => {
        if (client.socket.destroyed) resolve();
        client.onClose = resolve;
      });
      // Gone when the socket no longer answers and the process has exited.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (processAlive(pid) || (await answers()))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      process.stdout.write(`kojo daemon stopped (pid ${pid}; tmux-backed sessions keep running)\n`);
    });

  daemon
    .command('status')
    .description('is the daemon running, with what')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await running();
      const paths = statePaths();
      const remote = selectedHost();
      if (!client) {
        if (options.json)
          printJson({ running: false, ...(remote ? { host: remote.label } : { socket: paths.socket }) });
        else
          process.stdout.write(remote ? `not running on ${remote.label}\n` : `not running (socket ${paths.socket})\n`);
        process.exitCode = 3;
        return;
      }
      const hello = await client.call('daemon.hello', {});
      client.close();
      // Over --host, this machine's paths mean nothing: the host is named instead.
      const where = remote ? { host: remote.label } : { socket: paths.socket, log: paths.log };
      if (options.json) return printJson({ running: true, ...where, ...hello });
      const lines = [
        `running: kojo ${hello.version} (protocol ${hello.protocol}), pid ${hello.pid}, since ${hello.startedAt}`,
        `state:   ${hello.home}`,
        ...(remote ? [`host:    ${remote.label}`] : [`socket:  ${paths.socket}`, `log:     ${paths.log}`]),
        `sessions: ${hello.sessions}`,
        hello.tmux.used
          ? `tmux:    used (${hello.tmux.version ?? 'tmux'}); sessions survive a daemon restart`
          : `tmux:    not used (${hello.tmux.reason ?? 'unavailable'}); sessions are direct and end with the daemon`,
      ];
      if (hello.storeProblem) {
        lines.push(`store:   PROBLEM: ${hello.storeProblem}`);
        warn(`store problem: ${hello.storeProblem}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });

  daemon
    .command('run')
    .description('run the daemon in the foreground (for systemd or launchd)')
    .action(async () => {
      await import('../../daemon/entry.js'); // Serves until the daemon ends.
    });

  daemon
    .command('logs')
    .description('print the daemon log')
    .option('-n, --lines <n>', 'only the last N lines', (v) => Number.parseInt(v, 10))
    .action((options: { lines?: number }) => {
      const { log } = statePaths();
      let text: string;
      try {
        text = fs.readFileSync(log, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`no daemon log yet (${log})`);
        throw new SystemFailure(`read the daemon log ${log}`, error);
      }
      if (options.lines !== undefined) {
        if (!Number.isFinite(options.lines) || options.lines < 0) throw new CliError('--lines takes a number', 2);
        text = text
          .split('\n')
          .slice(-options.lines - 1)
          .join('\n');
      }
      process.stdout.write(text);
    });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(): Promise<boolean> {
  const socket = await tryConnect(statePaths().socket);
  socket?.destroy();
  return socket !== undefined;
}
