// The systems the benchmark compares. Each starts a command in a session
// of its own and attaches the benchmark's terminal to it.
import { execa } from 'execa';
import { KOJO, baseEnv, has, killHolding, onCleanup, scratchPath, sleep, type Kojo } from './common.js';
import { Terminal } from './terminal.js';

export interface Attached {
  term: Terminal;
  stop(): Promise<void>;
}

export interface System {
  name: string;
  start(command: string, env: Record<string, string>): Promise<Attached>;
}

export const bare: System = {
  name: 'program on a bare PTY',
  start: async (command, env) => {
    const term = new Terminal('/bin/sh', ['-c', command], { ...baseEnv(), ...env });
    await sleep(100);
    return { term, stop: async () => term.kill() };
  },
};

export const dtach: System = {
  name: 'dtach',
  start: async (command, env) => {
    const socket = `${scratchPath('dtach')}.sock`;
    await execa('dtach', ['-n', socket, '-Ez', '/bin/sh', '-c', command], { env: { ...baseEnv(), ...env } });
    const term = new Terminal('dtach', ['-a', socket, '-Ez', '-r', 'none'], baseEnv());
    await sleep(200);
    return {
      term,
      stop: async () => {
        term.kill();
        killHolding(socket);
      },
    };
  },
};

/** tmux on its own private socket, one server for the whole benchmark. */
export function tmux(): System {
  const socket = `${scratchPath('tmux')}.sock`;
  onCleanup(() => execa('tmux', ['-S', socket, 'kill-server'], { reject: false }).then(() => undefined));
  let sessions = 0;
  return {
    name: 'tmux',
    start: async (command, env) => {
      const name = `b${sessions++}`;
      const vars = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
      const args = ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '80', '-y', '24'];
      await execa('tmux', [...args, ...vars, '/bin/sh', '-c', command], { env: baseEnv() });
      const term = new Terminal('tmux', ['-S', socket, 'attach', '-t', name], baseEnv());
      await term.settle(1, 200);
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

export function kojoSystem(kojo: Kojo, direct: boolean): System {
  return {
    name: direct ? 'kojo --direct' : 'kojo (tmux-backed)',
    start: async (command, env) => {
      const id = await kojo.run(['new', ...(direct ? ['--direct'] : []), 'exec', '--', '/bin/sh', '-c', command], env);
      const term = new Terminal(process.execPath, [KOJO, 'attach', id], kojo.env);
      // Attached once the replay (it clears the screen first) has arrived and gone quiet.
      await term.until('\x1b[2J', 10_000).catch(() => undefined);
      await term.settle(1, 150);
      return {
        term,
        stop: async () => {
          term.kill();
          await kojo.run(['rm', '-f', id]).catch(() => undefined);
        },
      };
    },
  };
}

/** Every system available here, in the order the tables print them. */
export function allSystems(kojo: Kojo): System[] {
  const systems: System[] = [bare];
  if (has('dtach')) systems.push(dtach);
  if (has('tmux')) systems.push(tmux());
  systems.push(kojoSystem(kojo, true));
  if (has('tmux')) systems.push(kojoSystem(kojo, false));
  return systems;
}
