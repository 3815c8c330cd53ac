// The systems of the ssh section: the benchmark's terminal runs the client
// side (ssh -t, or kojo --host), the sessions live on "the box" (this
// machine, reached through the private sshd).
import { execa } from 'execa';
import type { TestSshd } from '../test/helpers/sshdServer.js';
import { waitFor } from '../test/helpers/wait.js';
import { KOJO, baseEnv, has, killHolding, onCleanup, scratchPath, type Kojo } from './common.js';
import { commandLine, pidsHolding } from './procs.js';
import type { System } from './systems.js';
import { Terminal } from './terminal.js';

/** `ssh -t box <command>`, in the benchmark's terminal. */
const sshTerminal = (sshd: TestSshd, command: string[]): Terminal =>
  new Terminal('ssh', ['-F', sshd.configFile, '-t', sshd.hosts.ok, ...command], baseEnv());

function sshDtach(sshd: TestSshd): System {
  return {
    name: 'ssh -t dtach -a',
    start: async (command, env) => {
      const socket = `${scratchPath('ssh-dtach')}.sock`;
      await execa('dtach', ['-n', socket, '-Ez', '/bin/sh', '-c', command], { env: { ...baseEnv(), ...env } });
      const term = sshTerminal(sshd, ['dtach', '-a', socket, '-Ez', '-r', 'none']);
      // With -r none nothing is drawn: attached once dtach's client runs on the far side.
      await waitFor(
        () => pidsHolding(socket).some((pid) => commandLine(pid).startsWith('dtach -a')),
        15_000,
        'dtach -a over ssh',
      );
      return {
        term,
        stop: async () => {
          term.kill();
          killHolding(socket);
        },
      };
    },
  };
}

/** One tmux server on a private socket for the section, attached to through ssh. */
function sshTmux(sshd: TestSshd): System {
  const socket = `${scratchPath('ssh-tmux')}.sock`;
  onCleanup(() => execa('tmux', ['-S', socket, 'kill-server'], { reject: false }).then(() => undefined));
  let sessions = 0;
  return {
    name: 'ssh -t tmux attach',
    start: async (command, env) => {
      const name = `s${sessions++}`;
      const vars = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
      const args = ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '80', '-y', '24'];
      await execa('tmux', [...args, ...vars, '/bin/sh', '-c', command], { env: baseEnv() });
      const term = sshTerminal(sshd, ['tmux', '-S', socket, 'attach', '-t', name]);
      await term.settle(1, 300, 15_000);
      return {
        term,
        stop: async () => {
          term.kill();
          await execa('tmux', ['-S', socket, 'kill-session', '-t', name], { reject: false });
        },
      };
    },
  };
}

/** The session made on the box directly; the terminal attaches with `kojo --host ssh://box/<home>`. */
function kojoOverSsh(box: Kojo, laptop: Record<string, string>, host: string, direct: boolean): System {
  return {
    name: direct ? 'kojo --host, --direct' : 'kojo --host, tmux-backed',
    start: async (command, env) => {
      const id = await box.run(['new', ...(direct ? ['--direct'] : []), 'exec', '--', '/bin/sh', '-c', command], env);
      const term = new Terminal(process.execPath, [KOJO, '--host', host, 'attach', id], laptop);
      // Attached once the replay (it clears the screen first) has arrived and gone quiet.
      await term.until('\x1b[2J', 15_000).catch(() => undefined);
      await term.settle(1, 150);
      return {
        term,
        stop: async () => {
          term.kill();
          await box.run(['rm', '-f', id]).catch(() => undefined);
        },
      };
    },
  };
}

/** Every path available here, with the pairs whose ratio is printed (kojo first). */
export function sshSystems(
  sshd: TestSshd,
  box: Kojo,
  laptop: Record<string, string>,
): { systems: System[]; pairs: Array<[string, string]> } {
  const host = `ssh://${sshd.hosts.ok}${box.home}`;
  const systems: System[] = [];
  const pairs: Array<[string, string]> = [];
  if (has('dtach')) systems.push(sshDtach(sshd));
  if (has('tmux')) systems.push(sshTmux(sshd));
  const direct = kojoOverSsh(box, laptop, host, true);
  systems.push(direct);
  if (has('dtach')) pairs.push([direct.name, 'ssh -t dtach -a']);
  if (has('tmux')) {
    const backed = kojoOverSsh(box, laptop, host, false);
    systems.push(backed);
    pairs.push([backed.name, 'ssh -t tmux attach']);
  }
  return { systems, pairs };
}
