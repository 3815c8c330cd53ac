// The store under stress: sizes and tools it should never have held,
// duplicates, leftovers of a crash, secrets, and a full disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { alive, sandboxes, waitFor, type Sandbox } from '../../helpers/kojo.js';
import { call } from '../../helpers/raw.js';

const newSandbox = sandboxes();

function record(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    tool: 'exec',
    workDir: '/',
    args: ['true'],
    command: '/bin/true',
    env: { PATH: '/usr/bin:/bin' },
    status: 'exited',
    exitCode: 0,
    yoloMode: false,
    approvals: [],
    createdAt: new Date().toISOString(),
    exitedAt: new Date().toISOString(),
    lastCols: 80,
    lastRows: 24,
    attachments: [],
    ...extra,
  };
}

function plantStore(box: Sandbox, sessions: unknown[]): string {
  fs.mkdirSync(box.home, { recursive: true, mode: 0o700 });
  const file = path.join(box.home, 'sessions.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, sessions }), { mode: 0o600 });
  return file;
}

async function info(box: Sandbox, ref: string): Promise<Record<string, unknown>> {
  const r = await box.run(['ls', '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const found = (JSON.parse(r.stdout) as Array<Record<string, unknown>>).find((s) => s.id === ref || s.name === ref);
  assert.ok(found, `${ref} in ${r.stdout}`);
  return found;
}

test('a store holding a huge size does not take the daemon down: the size is cut at load', async () => {
  const box = await newSandbox();
  plantStore(box, [record('s_00000000000000a1', { lastCols: 30_000, lastRows: 30_000 })]);
  const s = await info(box, 's_00000000000000a1');
  assert.deepEqual([s.lastCols, s.lastRows], [1000, 1000]);
  const restarted = await box.run(['restart', 's_00000000000000a1']);
  assert.equal(restarted.exitCode, 0, restarted.stderr);
});

test('a bogus tool in the store: restart says so; duplicates are not merged; crash leftovers are removed', async () => {
  const box = await newSandbox();
  const file = plantStore(box, [
    record('s_00000000000000b1', { tool: 'bogus' }),
    record('s_00000000000000b2', { name: 'first' }),
    record('s_00000000000000b2', { name: 'second' }),
  ]);
  fs.writeFileSync(`${file}.tmp-1-abcd`, '{"env":{"API_KEY":"leak"}}');
  fs.writeFileSync(`${file}.123456`, '{"env":{"API_KEY":"leak"}}');
  const restarted = await box.run(['restart', 's_00000000000000b1']);
  assert.equal(restarted.exitCode, 1);
  assert.equal(restarted.stderr.trim(), 'kojo: unknown tool bogus in the store');
  assert.equal((await info(box, 's_00000000000000b2')).name, 'first');
  const names = fs.readdirSync(box.home);
  assert.ok(!names.some((n) => /\.tmp-|\.\d+$/.test(n)), names.join(' '));
  const aside = names.find((n) => n.startsWith('sessions.json.duplicates-'));
  assert.ok(aside, names.join(' '));
  const kept = JSON.parse(fs.readFileSync(path.join(box.home, aside), 'utf8')) as { sessions: Array<{ name: string }> };
  assert.deepEqual(
    kept.sessions.map((s) => s.name),
    ['second'],
  );
  assert.match(fs.readFileSync(path.join(box.home, 'daemon.log'), 'utf8'), /duplicate session ids in the store/);
});

test('secrets stay off disk; restart takes them from the caller; persist-secrets on keeps them', async () => {
  const box = await newSandbox();
  const script = 'echo "key=$MY_API_KEY token=$GH_TOKEN plain=$PLAIN"';
  const made = await box.run(['new', '--direct', '--name', 'sec', 'exec', '--', 'sh', '-c', script], {
    env: { MY_API_KEY: 'k-111', GH_TOKEN: 't-222', PLAIN: 'p-333' },
  });
  assert.equal(made.exitCode, 0, made.stderr);
  await waitFor(async () => (await info(box, 'sec')).status === 'exited', 10_000, 'exit');
  const stored = fs.readFileSync(path.join(box.home, 'sessions.json'), 'utf8');
  assert.ok(!stored.includes('k-111') && !stored.includes('t-222'), 'no secret in sessions.json');
  assert.ok(stored.includes('p-333'), 'other variables are kept for restart');
  // A new daemon knows only the store: the secret comes from the restarting shell.
  await box.run(['daemon', 'stop']);
  const again = await box.run(['restart', 'sec'], { env: { MY_API_KEY: 'k-new' } });
  assert.equal(again.exitCode, 0, again.stderr);
  await waitFor(async () => (await info(box, 'sec')).status === 'exited', 10_000, 'exit');
  const out = await box.run(['attach', 'sec']);
  assert.match(out.stdout, /key=k-new token= plain=p-333/);

  assert.equal((await box.run(['config', 'set', 'persist-secrets', 'on'])).exitCode, 0);
  await box.run(['new', '--direct', 'exec', '--', 'true'], { env: { MY_API_KEY: 'k-kept' } });
  assert.ok(fs.readFileSync(path.join(box.home, 'sessions.json'), 'utf8').includes('k-kept'));
});

test('a full disk: create fails with "disk full", the store stays whole, ls and status warn', async (t) => {
  const box = await newSandbox();
  fs.mkdirSync(box.home, { recursive: true, mode: 0o700 });
  const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=200k,mode=0700', 'tmpfs', box.home], {
    reject: false,
  });
  if (mounted.exitCode !== 0) return t.skip(`cannot mount a tmpfs: ${mounted.stderr}`);
  t.after(async () => {
    const pid = await box.daemonPid().catch(() => undefined);
    if (pid) process.kill(pid, 'SIGKILL');
    await waitFor(() => pid === undefined || !alive(pid), 10_000, 'daemon gone');
    await execa('umount', ['-l', box.home], { reject: false });
    await box.cleanup();
  });
  const pad = 'x'.repeat(20_000);
  const acknowledged: string[] = [];
  let failure = '';
  for (let i = 0; i < 40 && !failure; i++) {
    const r = await box.run(['new', '--direct', 'exec', '--', 'true', pad]);
    if (r.exitCode === 0) acknowledged.push(r.stdout.trim());
    else failure = r.stderr;
  }
  assert.match(failure, /^kojo: cannot save sessions: disk full$/m);
  assert.ok(acknowledged.length > 0);
  const stored = JSON.parse(fs.readFileSync(path.join(box.home, 'sessions.json'), 'utf8')) as {
    sessions: Array<{ id: string }>;
  };
  assert.deepEqual(stored.sessions.map((s) => s.id).sort(), [...acknowledged].sort());
  assert.ok(!fs.readdirSync(box.home).some((n) => n.includes('.tmp-')), 'no temp file left');
  const ls = await box.run(['ls']);
  assert.match(ls.stderr, /disk full/);
  const status = await box.run(['daemon', 'status']);
  assert.match(status.stdout, /store: +PROBLEM: cannot save sessions: disk full/);
  // A new daemon finds every acknowledged session.
  const pid = await box.daemonPid();
  process.kill(pid!, 'SIGKILL');
  await waitFor(() => !alive(pid!), 10_000, 'daemon gone');
  const hello = await box.run(['ls', '-q']);
  assert.deepEqual(hello.stdout.trim().split('\n').sort(), [...acknowledged].sort());
  assert.ok((await call(box, 'daemon.hello', {})).result);
});

test('a disk full before the daemon starts: kojo new says so, and works once there is room', async (t) => {
  const box = await newSandbox();
  fs.mkdirSync(box.home, { recursive: true, mode: 0o700 });
  const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=200k,mode=0700', 'tmpfs', box.home], {
    reject: false,
  });
  if (mounted.exitCode !== 0) return t.skip(`cannot mount a tmpfs: ${mounted.stderr}`);
  t.after(async () => {
    const pid = await box.daemonPid().catch(() => undefined);
    if (pid) process.kill(pid, 'SIGKILL');
    await waitFor(() => pid === undefined || !alive(pid), 10_000, 'daemon gone');
    await execa('umount', ['-l', box.home], { reject: false });
    await box.cleanup();
  });
  const filler = path.join(box.home, 'filler');
  await execa('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1k', 'count=400'], { reject: false });
  // Without tmux the daemon starts and refuses to store; with it, it cannot
  // even write tmux's config and gives up. Either way the CLI says why.
  for (const tmux of ['0', '1']) {
    const full = await box.run(['new', '--direct', 'exec', '--', 'true'], { env: { KOJO_TMUX: tmux } });
    assert.equal(full.exitCode, 1);
    // A daemon slower to start than the CLI waits is reported by the disk check too.
    const slow = /^kojo: the kojo daemon did not start: (the disk holding .* is full|.*ENOSPC.*)$/;
    assert.match(full.stderr.trim(), tmux === '0' ? /^kojo: cannot save sessions: disk full$|is full$/ : slow);
    if (tmux === '0' && (await box.daemonPid())) {
      const status = await box.run(['daemon', 'status']);
      assert.match(status.stderr, /kojo: store problem: cannot save sessions: disk full/);
      assert.equal((await box.run(['daemon', 'stop'])).exitCode, 0);
    }
  }
  fs.rmSync(filler);
  const roomy = await box.run(['new', '--direct', 'exec', '--', 'true']);
  assert.equal(roomy.exitCode, 0, roomy.stderr);
  assert.doesNotMatch((await box.run(['daemon', 'status'])).stdout, /PROBLEM/);
});
