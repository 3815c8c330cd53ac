// Lifecycle on both backends, as a user sees it: the session's environment,
// stop, pid, exit codes of terminals, colours, lost sessions, tmux hiccups,
// descriptors, and adoption continuity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, crashDaemon, type Sandbox } from '../../helpers/kojo.js';
import { newSession } from '../../helpers/agents.js';

const box = sandboxes();

type Info = Record<string, unknown> & { id: string; status: string; pid?: number; exitCode?: number };

async function get(b: Sandbox, id: string): Promise<Info> {
  const r = await b.run(['ls', '--json', '--all']);
  assert.equal(r.exitCode, 0, r.stderr);
  return (JSON.parse(r.stdout) as Info[]).find((s) => s.id === id)!;
}

/** The raw bytes a session recorded (its ring), read back by a raw attacher once it ended. */
async function recorded(b: Sandbox, id: string): Promise<string> {
  const r = await b.run(['attach', id]);
  return r.stdout;
}

const ENV_SCRIPT =
  'echo "pid=$$ tmux=[$TMUX] pane=[$TMUX_PANE] id=[$KOJO_SESSION_ID] name=[$KOJO_SESSION_NAME]"; exec sleep 600';

for (const direct of [false, true]) {
  const kind = direct ? 'direct' : 'tmux-backed';
  const flags = direct ? ['--direct'] : [];

  test(`${kind}: the caller's tmux is not inherited; KOJO_SESSION_ID/NAME are set; pid is the program's`, async () => {
    const b = await box();
    const callerTmux = { TMUX: '/tmp/tmux-0/default,1,0', TMUX_PANE: '%0' };
    const id = await newSession(b, ['exec', '--name', 'envy', ...flags, '--', 'sh', '-c', ENV_SCRIPT], callerTmux);
    const term = b.attachPty(['attach', id]);
    await term.waitForText(/name=\[envy\]/);
    const line = /pid=(\d+) tmux=\[([^\]]*)\] pane=\[([^\]]*)\] id=\[([^\]]*)\]/.exec(term.text)!;
    assert.equal(line[4], id);
    if (direct) {
      assert.equal(line[2], '');
      assert.equal(line[3], '');
    } else {
      assert.ok(line[2]!.startsWith(path.join(b.home, 'run/tmux.sock') + ','), line[2]);
      assert.match(line[3]!, /^%\d+$/);
      const pane = await execa('tmux', [
        '-S',
        path.join(b.home, 'run/tmux.sock'),
        'display',
        '-p',
        '-t',
        `kojo_${id}`,
        '#{pane_id}',
      ]);
      assert.equal(line[3], pane.stdout.trim());
    }
    // `exec sleep` keeps the pid: the session's pid is the program's, not a wrapper's.
    assert.equal((await get(b, id)).pid, Number(line[1]));
    term.kill();
  });

  test(`${kind}: stop sends SIGTERM to the program, which can answer it`, async () => {
    const b = await box();
    const script = 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done';
    const id = await newSession(b, ['exec', ...flags, '--', 'sh', '-c', script]);
    const term = b.attachPty(['attach', id]);
    await term.waitForText('ready');
    const stopped = await b.run(['stop', id]);
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    const info = await get(b, id);
    assert.equal(info.status, 'exited');
    assert.equal(info.exitCode, 3);
    assert.match(await recorded(b, id), /got-term/);
  });
}

test('a tmux-backed terminal reports its shell’s exit code', async () => {
  const b = await box();
  const r = await b.run(['new', 'tmux', '--name', 'tsh'], { env: { SHELL: '/bin/sh' } });
  assert.equal(r.exitCode, 0, r.stderr);
  const id = r.stdout.trim();
  const term = b.attachPty(['attach', 'tsh']);
  await waitFor(async () => (await get(b, id)).pid !== undefined, 10_000, 'pid');
  term.write('exit 6\r');
  assert.equal(await term.waitForExit(), 6);
  assert.equal((await get(b, id)).exitCode, 6);
});

test('truecolour reaches a tmux-drawn terminal as written', async () => {
  const b = await box();
  const r = await b.run(['new', 'tmux', '--name', 'rgb'], { env: { SHELL: '/bin/sh' } });
  assert.equal(r.exitCode, 0, r.stderr);
  const term = b.attachPty(['attach', 'rgb']);
  await waitFor(async () => (await get(b, r.stdout.trim())).pid !== undefined, 10_000, 'pid');
  term.write("printf '\\033[38;2;255;100;0mTRUE\\033[0mCOLOUR\\n'\r");
  await term.waitForText('COLOUR\r');
  assert.match(term.text, /\x1b\[38;2;255;100;0mTRUE/);
  term.kill();
});

test('a direct session lost with a killed daemon shows as lost; attach says so and fails', async () => {
  const b = await box();
  const id = await newSession(b, ['exec', '--direct', '--', 'sleep', '600']);
  await crashDaemon(b);
  const info = await get(b, id); // a new daemon
  assert.equal(info.status, 'exited');
  assert.equal(info.lost, true);
  assert.equal(info.exitCode, undefined);
  const ls = await b.run(['ls']);
  assert.match(ls.stdout, new RegExp(`${id}\\s+\\S*\\s+exec\\s+lost`));
  const attach = await b.run(['attach', id]);
  assert.equal(attach.exitCode, 1);
  assert.match(attach.stderr + attach.stdout, /lost/);
});

test('a tmux server out of reach for a while ends no session', async () => {
  const b = await box();
  const id = await newSession(b, ['exec', '--', 'sh', '-c', 'while read -r l; do echo "got:$l"; done']);
  const socket = path.join(b.home, 'run/tmux.sock');
  fs.renameSync(socket, socket + '.away');
  const log = path.join(b.home, 'daemon.log');
  try {
    // Until the daemon has looked and failed at least once (its safety poll).
    await waitFor(() => /tmux listing failed/.test(fs.readFileSync(log, 'utf8')), 15_000, 'a failed listing');
  } finally {
    fs.renameSync(socket + '.away', socket);
  }
  assert.equal((await get(b, id)).status, 'running');
  const term = b.attachPty(['attach', id]);
  term.write('still-here\r');
  await term.waitForText('got:still-here');
  term.kill();
});

/** The terminal each ptmx descriptor of a process is the master of (Linux: fdinfo tty-index). */
function ptyMasters(pid: number): Set<string> {
  const masters = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) !== '/dev/ptmx') continue;
      const index = /tty-index:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (index) masters.add(index[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return masters;
}

test(
  'tmux processes hold none of the daemon’s PTY masters',
  {
    skip: process.platform !== 'linux',
  },
  async () => {
    const b = await box();
    await newSession(b, ['exec', '--direct', '--', 'sleep', '600']);
    await newSession(b, ['exec', '--direct', '--', 'sleep', '600']);
    await newSession(b, ['exec', '--', 'sleep', '600']);
    const daemon = (await b.daemonPid())!;
    const mine = ptyMasters(daemon);
    assert.ok(mine.size >= 2, 'the daemon holds its direct sessions’ masters');
    const tmux = (args: string[]) => execa('tmux', ['-S', path.join(b.home, 'run/tmux.sock'), ...args]);
    const clientPids = async (): Promise<string[]> =>
      (await tmux(['list-clients', '-F', '#{client_pid}'])).stdout.split('\n').filter(Boolean);
    // The control client dies; the daemon starts another, now that direct sessions are open.
    const [first] = await clientPids();
    process.kill(Number(first), 'SIGKILL');
    let clients: string[] = [];
    await waitFor(
      async () => {
        await newSession(b, ['exec', '--', 'true']); // work that needs the control client
        clients = await clientPids();
        return clients.length > 0 && !clients.includes(first!);
      },
      20_000,
      'a new control client',
    );
    // The long-lived ones: the server and its clients (kojo's control clients).
    const server = Number((await tmux(['display', '-p', '#{pid}'])).stdout.trim());
    const pids = [server, ...clients.map(Number)];
    assert.ok(pids.length >= 2, 'the server and the control clients');
    for (const pid of pids) {
      const shared = [...ptyMasters(pid)].filter((index) => mine.has(index));
      const what = fs.existsSync(`/proc/${pid}/cmdline`)
        ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
        : '?';
      assert.deepEqual(shared, [], `process ${pid} (${what}) holds daemon PTY masters`);
    }
  },
);

test('adoption after kill -9 loses no line and repeats none', async () => {
  const b = await box();
  const script = 'i=0; while [ $i -lt 100000 ]; do echo "n$i"; i=$((i+1)); sleep 0.01; done';
  const id = await newSession(b, ['exec', '--', 'bash', '-c', script]);
  const term = b.attachPty(['attach', id]);
  await term.waitForText('n30\r');
  term.kill();
  await crashDaemon(b);
  // While no daemon reads, the program goes on.
  const before = (await get(b, id)).status; // restarts the daemon, which adopts it
  assert.equal(before, 'running');
  const again = b.attachPty(['attach', id]);
  const last = Math.max(...[...term.text.matchAll(/n(\d+)/g)].map((m) => Number(m[1])));
  await again.waitForText(new RegExp(`n${last + 60}\r`), 30_000);
  again.kill();
  assert.equal((await b.run(['stop', id])).exitCode, 0);
  const text = (await recorded(b, id)).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const numbers = text
    .split(/\r?\n/)
    .map((l) => /^n(\d+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  assert.ok(numbers.length > 60, `${numbers.length} lines`);
  for (let i = 1; i < numbers.length; i++) {
    assert.equal(numbers[i], numbers[i - 1]! + 1, `after n${numbers[i - 1]} came n${numbers[i]}`);
  }
});

test(
  'an unreadable --cwd is refused',
  { skip: process.getuid?.() === 0 ? 'root can enter any directory' : false },
  async () => {
    const b = await box();
    const locked = path.join(b.dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    const r = await b.run(['new', 'exec', '--cwd', locked, '--', 'true']);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /cannot enter directory/);
  },
);
