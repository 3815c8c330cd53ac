// Memory at 100 idle sessions: everything kojo adds (RSS and PSS), beside
// what tmux and dtach take for the same sessions.
import { execa } from 'execa';
import { baseEnv, has, killHolding, kojoHome, pad, scratchPath, sleep } from './common.js';
import { kojoAdded, pidsHolding, usage, type Usage } from './procs.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100);
const PROGRAM = 'sleep 1000001';
/** The targets are set at 100 sessions; at another count the figure is shown without a verdict. */
const verdict = (target: string, met: boolean): string =>
  `   (target ${target} at 100)${SESSIONS === 100 ? (met ? '  met' : '  NOT met') : ''}`;

/** Runs `make(i)` for i < count, a few at a time. */
export async function spawnMany(count: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await make(next++);
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}

const line = (label: string, u: Usage, note = ''): void =>
  console.log(
    `${pad(label, 44)} RSS ${u.rssMiB.toFixed(1).padStart(6)} MiB   PSS ${u.pssMiB.toFixed(1).padStart(6)} MiB   ${String(u.pids.length).padStart(3)} processes${note}`,
  );

async function kojoAt(direct: boolean): Promise<void> {
  const kojo = kojoHome(direct ? 'memory-direct' : 'memory-tmux');
  const daemon = await kojo.daemonPid();
  const empty = usage([daemon]);
  const create = (i: number): Promise<string> =>
    kojo.run(['new', ...(direct ? ['--direct'] : []), '--name', `m${i}`, 'exec', '--', ...PROGRAM.split(' ')]);
  // The first alone: concurrent first sessions race to start kojo's tmux server.
  await create(0);
  await spawnMany(SESSIONS - 1, (i) => create(i + 1));
  await sleep(3000);
  const tmuxServer = direct ? undefined : await kojo.tmuxServerPid();
  const added = usage(kojoAdded(daemon, tmuxServer, PROGRAM));
  const daemonOnly = usage([daemon]);
  const label = direct ? '--direct' : 'tmux-backed';
  line(`kojo daemon, no sessions`, empty);
  line(
    `kojo daemon, ${SESSIONS} idle ${label}`,
    daemonOnly,
    direct ? verdict('RSS <= 100 MiB', daemonOnly.rssMiB <= 100) : '',
  );
  line(`all kojo adds, ${SESSIONS} idle ${label}`, added, direct ? '' : verdict('PSS <= 100 MiB', added.pssMiB <= 100));
  if (tmuxServer) line(`  (kojo's tmux server, not counted)`, usage([tmuxServer]));
  await kojo.stop();
}

async function tmuxAt(): Promise<void> {
  const socket = `${scratchPath('tmux-memory')}.sock`;
  const tmux = (args: string[]): Promise<unknown> =>
    execa('tmux', ['-S', socket, '-f', '/dev/null', ...args], { env: baseEnv() });
  await tmux(['new-session', '-d', '-s', 's0', PROGRAM]);
  await spawnMany(SESSIONS - 1, (i) => tmux(['new-session', '-d', '-s', `s${i + 1}`, PROGRAM]));
  await sleep(1000);
  const pid = Number((await execa('tmux', ['-S', socket, 'display', '-p', '#{pid}'])).stdout);
  line(`tmux server, ${SESSIONS} idle sessions`, usage([pid]));
  await execa('tmux', ['-S', socket, 'kill-server'], { reject: false });
}

async function dtachAt(): Promise<void> {
  const stem = scratchPath('dtach-memory');
  await spawnMany(SESSIONS, (i) => execa('dtach', ['-n', `${stem}-${i}.sock`, '-Ez', ...PROGRAM.split(' ')]));
  await sleep(500);
  const masters = pidsHolding(stem);
  line(`dtach, ${SESSIONS} idle sessions (masters)`, usage(masters));
  killHolding(stem);
}

export async function memory(): Promise<void> {
  console.log(`\n## Memory at ${SESSIONS} idle sessions (program: ${PROGRAM}, not counted)`);
  if (has('tmux')) {
    await kojoAt(false);
    await tmuxAt();
  }
  await kojoAt(true);
  if (has('dtach')) await dtachAt();
}
