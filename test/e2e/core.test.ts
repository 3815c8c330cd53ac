// The core issue through the built CLI: daemon autostart, session lifecycle,
// errors a user can hit, the control socket's robustness, the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxes, waitFor, alive, connect, rawExchange, request, type Sandbox } from '../helpers/kojo.js';

const box = sandboxes();

async function statusOf(b: Sandbox, ref: string): Promise<{ status: string; exitCode?: number }> {
  const r = await b.run(['ls', '--json', '--all']);
  const list = JSON.parse(r.stdout) as Array<{ id: string; name?: string; status: string; exitCode?: number }>;
  const found = list.find((s) => s.id === ref || s.name === ref);
  assert.ok(found, `session ${ref} listed`);
  return found;
}

test('ten parallel commands autostart exactly one daemon', async () => {
  const b = await box();
  const results = await Promise.all(Array.from({ length: 10 }, () => b.run(['ls', '-q'])));
  for (const r of results) assert.equal(r.exitCode, 0, r.stderr);
  const pid = await b.daemonPid();
  assert.ok(pid && alive(pid));
  // Late starters find the winner and leave: in the end exactly one daemon runs.
  const daemons = (): number[] =>
    fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
          const env = fs.readFileSync(`/proc/${p}/environ`, 'utf8');
          return cmd.includes('dist/daemon.js') && env.includes(`KOJO_HOME=${b.home}\0`);
        } catch {
          return false;
        }
      })
      .map(Number);
  await waitFor(
    () => daemons().length === 1,
    10_000,
    () => `one daemon (have ${daemons().join(', ')})`,
  );
  assert.deepEqual(daemons(), [pid]);
  const mode = (p: string): number => fs.statSync(p).mode & 0o777;
  assert.equal(mode(path.join(b.home, 'run')), 0o700);
  assert.equal(mode(path.join(b.home, 'run/kojo.sock')), 0o600);
});

test('new, ls, stop, restart, rm round trip', async () => {
  const b = await box();
  const created = await b.run(['new', 'exec', '--name', 'loop', '--', 'bash', '-c', 'echo started; sleep 600']);
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  assert.match(id, /^s_[0-9a-f]{16}$/);

  const table = await b.run(['ls']);
  assert.match(table.stdout, new RegExp(`${id}\\s+loop\\s+exec\\s+running`));
  assert.deepEqual((await b.run(['ls', '-q'])).stdout.trim().split('\n'), [id]);
  const json = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<Record<string, unknown>>;
  assert.equal(json[0]!.id, id);
  assert.equal(json[0]!.status, 'running');
  assert.equal(json[0]!.workDir, b.dir);
  assert.deepEqual(json[0]!.args, ['bash', '-c', 'echo started; sleep 600']);

  // Prefix without s_, and the name, both resolve.
  const rmRunning = await b.run(['rm', id.slice(2, 8)]);
  assert.equal(rmRunning.exitCode, 1);
  assert.equal(rmRunning.stderr.trim(), 'kojo: session is still running');

  const stopped = await b.run(['stop', 'loop']);
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  assert.equal(stopped.stdout.trim(), id);
  const exited = await statusOf(b, id);
  assert.equal(exited.status, 'exited');
  // Both backends send the program SIGTERM.
  assert.equal(exited.exitCode, 143);

  const stopAgain = await b.run(['stop', id]); // as docker stop: already stopped is fine
  assert.equal(stopAgain.exitCode, 0, stopAgain.stderr);
  assert.equal(stopAgain.stdout.trim(), id);

  const restarted = await b.run(['restart', id]);
  assert.equal(restarted.exitCode, 0, restarted.stderr);
  assert.equal((await statusOf(b, id)).status, 'running');
  const restartRunning = await b.run(['restart', id]);
  assert.equal(restartRunning.stderr.trim(), 'kojo: session is still running');

  const forced = await b.run(['rm', '-f', id]);
  assert.equal(forced.exitCode, 0, forced.stderr);
  assert.equal((await b.run(['ls', '-q'])).stdout, '');
});

test('errors a user can hit give one clear line and the right status', async () => {
  const b = await box();
  const first = (await b.run(['new', 'exec', '--name', 'dup', '--', 'sleep', '600'])).stdout.trim();
  const cases: Array<[string[], number, RegExp]> = [
    [['attach', 'nosuch'], 1, /^kojo: session not found: nosuch$/],
    [['stop', 'nosuch'], 1, /^kojo: session not found: nosuch$/],
    [
      ['new', 'exec', '--name', 'dup', '--', 'sleep', '1'],
      1,
      new RegExp(`^kojo: name already in use: dup \\(${first}\\)$`),
    ],
    [['new', 'exec', '--cwd', '/nonexistent/dir', '--', 'true'], 1, /^kojo: no such directory: \/nonexistent\/dir$/],
    [['new', 'vim'], 2, /^kojo: unsupported tool: vim \(supported: claude, codex, gemini, custom, tmux, exec\)$/],
    [['new', 'exec', '--', 'no-such-program-xyz'], 1, /^kojo: tool not found: no-such-program-xyz$/],
    [['new', 'gemini'], 1, /^kojo: tool not found: gemini$/],
    [['new'], 2, /^kojo: missing required argument 'tool'/],
    [['ls', '--bogus'], 2, /^kojo: unknown option '--bogus'/],
    [['yolo', first, 'maybe'], 2, /^kojo: state must be on or off, not "maybe"$/],
    [
      ['config', 'get', 'nope'],
      2,
      /^kojo: unknown config key: nope \(known: custom-base-url, detach-keys, [a-z, -]+\)$/,
    ],
  ];
  for (const [args, code, message] of cases) {
    const r = await b.run(args, { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(r.exitCode, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim().split('\n')[0]!, message, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')} prints nothing on stdout`);
  }
  // Ambiguous prefix: two sessions whose IDs share "s_" at least.
  const second = (await b.run(['new', 'exec', '--', 'sleep', '600'])).stdout.trim();
  let common = 's_';
  while (first[common.length] === second[common.length]) common += first[common.length];
  const ambiguous = await b.run(['stop', common]);
  assert.equal(ambiguous.exitCode, 1);
  assert.match(ambiguous.stderr, /^kojo: ambiguous session ".*": matches /);
  assert.ok(ambiguous.stderr.includes(first) && ambiguous.stderr.includes(second));
});

test('a state directory too long for a socket is said at once, and no daemon is left trying', async () => {
  const b = await box();
  const home = path.join(b.dir, 'x'.repeat(120));
  const r = await b.run(['ls'], { env: { KOJO_HOME: home } });
  assert.equal(r.exitCode, 1);
  assert.match(
    r.stderr,
    /^kojo: the state directory's path is too long for a socket \(.*kojo\.sock is \d+ bytes, at most 10\d\); set KOJO_HOME to a shorter directory$/,
  );
  assert.equal(fs.existsSync(home), false, 'nothing created');
});

test('garbage, oversized frames and unknown methods get errors; the daemon keeps serving', async () => {
  const b = await box();
  await b.run(['ls']);
  const socketPath = path.join(b.home, 'run/kojo.sock');
  const socket = (await connect(socketPath))!;
  const garbage = (await rawExchange(socket, 'this is not json\n')) as { error: { code: number } };
  assert.equal(garbage.error.code, -32700);
  const unknown = (await request(socket, 'session.explode', {})) as { error: { code: number } };
  assert.equal(unknown.error.code, -32601);
  const badParams = (await request(socket, 'session.create', { tool: 42 })) as {
    error: { code: number; message: string };
  };
  assert.equal(badParams.error.code, -32602);
  assert.match(badParams.error.message, /invalid params: tool/);
  const notRequest = (await rawExchange(socket, '[1,2,3]\n')) as { error: { code: number } };
  assert.equal(notRequest.error.code, -32600);
  socket.destroy();

  const big = (await connect(socketPath))!;
  const tooLarge = (await rawExchange(big, Buffer.alloc(2 * 1024 * 1024, 'x'))) as { error: { message: string } };
  assert.match(tooLarge.error.message, /request larger than 1 MB/);
  big.destroy();

  const attachGarbage = (await connect(socketPath))!;
  const answer = (await request(attachGarbage, 'session.attach', { session: 'nosuch', cols: 80, rows: 24 })) as {
    error: { message: string };
  };
  assert.equal(answer.error.message, 'session not found: nosuch');
  attachGarbage.destroy();

  const ls = await b.run(['ls', '-q']);
  assert.equal(ls.exitCode, 0, ls.stderr);
});

test('a corrupt store is moved aside and the daemon starts empty, saying so', async () => {
  const b = await box();
  fs.mkdirSync(b.home, { recursive: true });
  fs.writeFileSync(path.join(b.home, 'sessions.json'), '{"version":1,"sessions":[{"id":');
  const ls = await b.run(['ls', '-q']);
  assert.equal(ls.exitCode, 0, ls.stderr);
  assert.equal(ls.stdout, '');
  const moved = fs.readdirSync(b.home).filter((f) => f.startsWith('sessions.json.corrupt-'));
  assert.equal(moved.length, 1);
  assert.equal(fs.readFileSync(path.join(b.home, moved[0]!), 'utf8'), '{"version":1,"sessions":[{"id":');
  const status = await b.run(['daemon', 'status']);
  assert.match(status.stdout, /store: {3}PROBLEM: .*sessions\.json is corrupt/);
  assert.match(fs.readFileSync(path.join(b.home, 'daemon.log'), 'utf8'), /store problem: .*orphan cleanup skipped/);
});

test('the store survives a daemon restart; exited sessions keep their output and code', async () => {
  const b = await box();
  const id = (
    await b.run(['new', 'exec', '--name', 'done', '--', 'bash', '-c', 'echo last words; exit 7'])
  ).stdout.trim();
  await waitFor(async () => (await statusOf(b, id)).status === 'exited', 10_000, 'session exit');
  const stop = await b.run(['daemon', 'stop']);
  assert.equal(stop.exitCode, 0, stop.stderr);
  assert.equal(await b.daemonPid(), undefined);
  const store = fs.statSync(path.join(b.home, 'sessions.json'));
  assert.equal(store.mode & 0o777, 0o600);

  const after = await statusOf(b, 'done');
  assert.equal(after.status, 'exited');
  assert.equal(after.exitCode, 7);
  const replay = await b.run(['attach', 'done']);
  assert.equal(replay.exitCode, 7);
  assert.match(replay.stdout, /last words/);
  assert.match(replay.stderr, new RegExp(`\\[session ${id} exited with code 7\\]`));
});

test('daemon status, logs and stop', async () => {
  const b = await box();
  const notRunning = await b.run(['daemon', 'status']);
  assert.equal(notRunning.exitCode, 3);
  assert.match(notRunning.stdout, /^not running/);
  const start = await b.run(['daemon', 'start']);
  assert.equal(start.exitCode, 0, start.stderr);
  const pid = Number(/\(pid (\d+)/.exec(start.stdout)?.[1]);
  assert.equal(await b.daemonPid(), pid);
  const status = await b.run(['daemon', 'status', '--json']);
  const parsed = JSON.parse(status.stdout) as { running: boolean; pid: number; protocol: number };
  assert.equal(parsed.running, true);
  assert.equal(parsed.pid, pid);
  const logs = await b.run(['daemon', 'logs', '-n', '5']);
  assert.match(logs.stdout, new RegExp(`pid ${pid}`));
  const stop = await b.run(['daemon', 'stop']);
  assert.equal(stop.exitCode, 0);
  assert.equal(alive(pid), false);
});

test('SIGTERM to the daemon saves the store and ends direct sessions', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--direct', '--', 'sleep', '600'])).stdout.trim();
  const info = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ pid: number }>;
  const childPid = info[0]!.pid;
  assert.ok(alive(childPid));
  const pid = (await b.daemonPid())!;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !alive(pid), 10_000, 'daemon exit');
  await waitFor(() => !alive(childPid), 10_000, 'session program exit');
  const stored = JSON.parse(fs.readFileSync(path.join(b.home, 'sessions.json'), 'utf8')) as {
    sessions: Array<{ id: string; status: string }>;
  };
  assert.equal(stored.sessions[0]!.id, id);
  assert.equal(stored.sessions[0]!.status, 'exited');
});
