// Issue 12, lifecycle through the built CLI: stop of exited sessions, the
// naming rule, usage errors exit 2, `new tmux -- args`, daemon start/stop
// messages. Where the daemon guards too, its guard is tested over the socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, alive, connect, request, KOJO_BIN, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes();

async function statusOf(b: Sandbox, id: string): Promise<string | undefined> {
  const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; status: string }>;
  return list.find((s) => s.id === id)?.status;
}

async function rawCall(
  b: Sandbox,
  method: string,
  params: unknown,
): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const socket = await connect(path.join(b.home, 'run/kojo.sock'));
  assert.ok(socket, 'daemon socket answers');
  try {
    return (await request(socket, method, params)) as { result?: unknown; error?: { code: number; message: string } };
  } finally {
    socket.destroy();
  }
}

test('`kojo ls -q | xargs kojo stop` stops the running and quietly succeeds for the exited', async () => {
  const b = await box();
  const exited = (await b.run(['new', 'exec', '--', 'true'])).stdout.trim();
  const running = (await b.run(['new', 'exec', '--', 'sleep', '600'])).stdout.trim();
  await waitFor(async () => (await statusOf(b, exited)) === 'exited', 10_000, 'the first session to exit');

  const r = await execa('sh', ['-c', '"$KOJO" ls -q | xargs "$KOJO" stop'], {
    env: { ...b.env, KOJO: KOJO_BIN },
    extendEnv: false,
    cwd: b.dir,
    reject: false,
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(r.stdout.split('\n').sort(), [exited, running].sort(), 'each ID printed, as docker stop does');
  assert.equal(await statusOf(b, running), 'exited');

  // Once more, all exited: still success. And the daemon's own answer.
  assert.equal((await b.run(['stop', exited, running])).exitCode, 0);
  const raw = await rawCall(b, 'session.stop', { session: exited });
  assert.equal(raw.error, undefined, JSON.stringify(raw.error));
  assert.equal((raw.result as { status: string }).status, 'exited');
});

test('names: one rule and one message at any length; IDs look-alikes, blanks and controls refused', async () => {
  const b = await box();
  const message =
    /^kojo: invalid name ".*": use 1 to 64 letters, digits, '\.', '_' or '-', starting with a letter or digit, and not s_ followed by hex \(that reads as a session ID\)$/;
  const bad = ['x'.repeat(100), 'x'.repeat(300), 's_a7', 's_0', 'S_BEEF', 'a b', 'tab\tname', 'bell\x07', '-lead', ''];
  for (const name of bad) {
    const r = await b.run(['new', 'exec', '--name', name, '--', 'true']);
    assert.equal(r.exitCode, 2, `${JSON.stringify(name)}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message, JSON.stringify(name));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  for (const name of ['build.1_x-y', 's_xyz', 'sa7', 'x'.repeat(64)]) {
    const r = await b.run(['new', 'exec', '--name', name, '--', 'true']);
    assert.equal(r.exitCode, 0, `${name}: ${r.stderr}`);
  }
  // The daemon's guard, without the CLI.
  for (const name of ['s_a7', 'y'.repeat(300), 'new\nline']) {
    const raw = await rawCall(b, 'session.create', { tool: 'exec', args: ['true'], cwd: b.dir, env: {}, name });
    assert.ok(raw.error, `${JSON.stringify(name)} refused`);
    assert.match(raw.error.message, /^invalid name ".*": use 1 to 64 letters/, JSON.stringify(name));
  }
});

test('usage errors exit 2 with one line; new tmux refuses arguments', async () => {
  const b = await box();
  const cases: Array<[string[], RegExp]> = [
    [['new', 'bogus'], /^kojo: unsupported tool: bogus \(supported: /],
    [['new', 'exec'], /^kojo: exec needs a program: kojo new exec -- PROGRAM \[ARGS\.\.\.\]$/],
    [['tmux', 'x', 'bogus'], /^kojo: unknown action: bogus \(valid: /],
    [['config', 'get', 'foo'], /^kojo: unknown config key: foo \(known: custom-base-url, detach-keys\)$/],
    [['config', 'set', 'custom-base-url', 'ftp://x'], /^kojo: custom-base-url must be an http\(s\) URL$/],
    [['config', 'set', 'detach-keys', 'ctrl-1'], /^kojo: detach-keys must be keys like ctrl-\\ or ctrl-a,d/],
    [
      ['new', 'tmux', '--', 'ls', '-l'],
      /^kojo: the tmux tool opens your login shell and takes no arguments; to run a program: kojo new exec -- ls -l$/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await b.run(args);
    assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message, args.join(' '));
    assert.equal(r.stdout, '');
  }
  const raw = await rawCall(b, 'session.create', { tool: 'tmux', args: ['ls'], cwd: b.dir, env: {} });
  assert.match(raw.error?.message ?? '', /takes no arguments/);
  assert.equal(JSON.parse((await b.run(['ls', '--json'])).stdout).length, 0, 'no session was made');
});

test('daemon start, stop and run say what happened; run beside a serving daemon fails', async () => {
  const b = await box();
  const start = await b.run(['daemon', 'start']);
  assert.equal(start.exitCode, 0, start.stderr);
  const pid = await b.daemonPid();
  assert.equal(start.stdout, `kojo daemon started (pid ${pid}, state ${b.home})`);
  const again = await b.run(['daemon', 'start']);
  assert.equal(again.stdout, `kojo daemon was already running (pid ${pid}, state ${b.home})`);

  const second = await b.run(['daemon', 'run'], { timeout: 20_000 });
  assert.equal(second.exitCode, 1, second.stderr);
  assert.match(second.stderr.trim(), /not starting: another kojo daemon already serves .*kojo\.sock$/);
  assert.equal(await b.daemonPid(), pid, 'the first daemon still serves');

  const stop = await b.run(['daemon', 'stop']);
  assert.equal(stop.exitCode, 0, stop.stderr);
  assert.equal(stop.stdout, `kojo daemon stopped (pid ${pid}; tmux-backed sessions keep running)`);
  assert.equal(alive(pid!), false);
  const none = await b.run(['daemon', 'stop']);
  assert.equal(none.exitCode, 0);
  assert.equal(none.stdout, 'kojo daemon was not running');
});
