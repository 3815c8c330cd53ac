// Issue 12, lifecycle through the built CLI: stop of exited sessions (and
// the daemon's answer over the socket), daemon start/stop/run messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { sandboxes, waitFor, alive, KOJO_BIN, type Sandbox } from '../../helpers/kojo.js';
import { call } from '../../helpers/raw.js';

const box = sandboxes();

async function statusOf(b: Sandbox, id: string): Promise<string | undefined> {
  const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; status: string }>;
  return list.find((s) => s.id === id)?.status;
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
  const raw = await call(b, 'session.stop', { session: exited });
  assert.equal(raw.error, undefined, JSON.stringify(raw.error));
  assert.equal((raw.result as { status: string }).status, 'exited');
});

test('daemon start, stop and run say what happened; run beside a serving daemon fails', async () => {
  const b = await box();
  const start = await b.run(['daemon', 'start']);
  assert.equal(start.exitCode, 0, start.stderr);
  const pid = await b.daemonPid();
  assert.equal(start.stdout, `kojo daemon started (pid ${pid}, state ${b.home})`);
  const again = await b.run(['daemon', 'start']);
  assert.equal(again.stdout, `kojo daemon was already running (pid ${pid}, state ${b.home})`);

  const second = await b.run(['daemon', 'run'], { timeout: 60_000 });
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
