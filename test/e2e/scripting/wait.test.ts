// kojo wait: the session's exit code; 124 on timeout; states checked at both ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, connect, request, KOJO_BIN, WAIT_FOR_GO, waitFor } from '../../helpers/kojo.js';

const box = sandboxes();

test('wait returns when the session exits, with its code; --until exit is the same', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', `${WAIT_FOR_GO}; exit 3`])).stdout.trim();
  const waiting = execa(KOJO_BIN, ['wait', id], { env: b.env, extendEnv: false, cwd: b.dir, reject: false });
  const until = execa(KOJO_BIN, ['wait', id, '--until', 'exit'], { env: b.env, extendEnv: false, reject: false });
  await waitFor(async () => !(await b.run(['ls', '--json'])).stdout.includes('"exited"'), 5000, 'running');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  assert.equal((await waiting).exitCode, 3);
  assert.equal((await until).exitCode, 3);
  assert.equal((await b.run(['wait', id])).exitCode, 3, 'an exited session: at once');
});

test('wait --timeout gives 124 while the session runs on', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'sleep', '600'])).stdout.trim();
  const timedOut = await b.run(['wait', id, '--timeout', '0.2']);
  assert.equal(timedOut.exitCode, 124, timedOut.stderr);
  assert.equal(timedOut.stderr, '');
  const state = await b.run(['wait', id, '--until', 'idle,asking', '--timeout', '0.2']);
  assert.equal(state.exitCode, 124, state.stderr);
  const listed = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ status: string }>;
  assert.equal(listed[0]?.status, 'running');
});

test('bad states and timeouts are usage errors; the daemon refuses them too', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'sleep', '600'])).stdout.trim();
  const bad = await b.run(['wait', id, '--until', 'sleepy']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /^kojo: unknown state "sleepy" \(states: starting, working, idle, asking, exited/);
  assert.equal((await b.run(['wait', id, '--timeout', 'soon'])).exitCode, 2);
  const socket = (await connect(path.join(b.home, 'run/kojo.sock')))!;
  const answer = (await request(socket, 'session.wait', { session: id, until: ['sleepy'] })) as {
    error?: { code: number; message: string };
  };
  assert.equal(answer.error?.code, -32602);
  assert.match(answer.error?.message ?? '', /until/);
  socket.destroy();
});

test('wait ends with status 1 and a message when the daemon goes away', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'sleep', '600'])).stdout.trim();
  const waiting = execa(KOJO_BIN, ['wait', id], { env: b.env, extendEnv: false, cwd: b.dir, reject: false });
  // Connected: besides its three stdio socketpairs, the wait process holds its
  // control connection. (Stopping the daemon sooner would let the wait start a new one.)
  const sockets = (): boolean =>
    fs.readdirSync(`/proc/${waiting.pid}/fd`).filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/${waiting.pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length >= 4;
  await waitFor(sockets, 15_000, 'wait to connect');
  assert.equal((await b.run(['daemon', 'stop'])).exitCode, 0);
  const result = await waiting;
  assert.equal(result.exitCode, 1);
  assert.match(result.stderr, /^kojo: lost connection to the kojo daemon$/);
});
