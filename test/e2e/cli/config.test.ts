// Issue 12: config.json under $XDG_CONFIG_HOME/kojo (migrated once from the
// state directory), or under KOJO_HOME when set; `detach-keys` as the default
// detach sequence of attach and new -a.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxes, waitFor, alive, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes();

/** Prints `ready`, then every chunk it reads, in hex: raw mode, so Ctrl-\\ is a byte, not SIGQUIT. */
const RAW_ECHO = [
  process.execPath,
  '-e',
  "process.stdin.setRawMode(true); console.log('ready'); process.stdin.on('data', (d) => console.log('got:' + d.toString('hex')))",
];

async function attachedCount(b: Sandbox, id: string): Promise<number> {
  const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; attached: number }>;
  return list.find((s) => s.id === id)?.attached ?? -1;
}

test('without KOJO_HOME, config lives in XDG_CONFIG_HOME/kojo; the old file is moved there once', async () => {
  const b = await box();
  const xdg = {
    KOJO_HOME: '',
    KOJO_TMUX: '0',
    XDG_CONFIG_HOME: path.join(b.dir, 'cfg'),
    XDG_DATA_HOME: path.join(b.dir, 'data'),
    XDG_STATE_HOME: path.join(b.dir, 'state'),
  };
  const legacy = path.join(xdg.XDG_DATA_HOME, 'kojo', 'config.json');
  const current = path.join(xdg.XDG_CONFIG_HOME, 'kojo', 'config.json');
  fs.mkdirSync(path.dirname(legacy), { recursive: true });
  fs.writeFileSync(legacy, JSON.stringify({ 'custom-base-url': 'http://old.example:1' }));
  let pid: number | undefined;
  try {
    const get = await b.run(['config', 'get', 'custom-base-url'], { env: xdg });
    assert.equal(get.exitCode, 0, get.stderr);
    pid = (JSON.parse((await b.run(['daemon', 'status', '--json'], { env: xdg })).stdout) as { pid: number }).pid;
    assert.equal(get.stdout, 'http://old.example:1');
    assert.equal(fs.existsSync(legacy), false, 'moved away from the state directory');
    assert.deepEqual(JSON.parse(fs.readFileSync(current, 'utf8')), { 'custom-base-url': 'http://old.example:1' });
    assert.equal((fs.statSync(current).mode & 0o777).toString(8), '600');

    const set = await b.run(['config', 'set', 'detach-keys', 'ctrl-a,d'], { env: xdg });
    assert.equal(set.exitCode, 0, set.stderr);
    assert.equal(JSON.parse(fs.readFileSync(current, 'utf8'))['detach-keys'], 'ctrl-a,d');
    assert.equal(fs.existsSync(legacy), false);
  } finally {
    await b.run(['daemon', 'stop'], { env: xdg });
    if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('with KOJO_HOME, config.json stays in it', async () => {
  const b = await box();
  const r = await b.run(['config', 'set', 'custom-base-url', 'http://127.0.0.1:4000'], {
    env: { XDG_CONFIG_HOME: path.join(b.dir, 'cfg') },
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(
    JSON.parse(fs.readFileSync(path.join(b.home, 'config.json'), 'utf8'))['custom-base-url'],
    'http://127.0.0.1:4000',
  );
  assert.equal(fs.existsSync(path.join(b.dir, 'cfg')), false);

  // A bad detach-keys written by hand is said before new -a makes a session.
  fs.writeFileSync(path.join(b.home, 'config.json'), JSON.stringify({ 'detach-keys': 'ctrl-1' }));
  const bad = await b.run(['new', 'exec', '-a', '--', 'true']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr.trim(), /^kojo: invalid detach key: ctrl-1/);
  assert.equal((await b.run(['ls', '-q'])).stdout, '');
});

test('config detach-keys is the default detach sequence of attach and new -a; --detach-keys still wins', async () => {
  const b = await box();
  assert.equal((await b.run(['config', 'set', 'detach-keys', 'ctrl-a,d'])).exitCode, 0);
  assert.equal((await b.run(['config', 'get', 'detach-keys'])).stdout, 'ctrl-a,d');
  const id = (await b.run(['new', 'exec', '--', ...RAW_ECHO])).stdout.trim();

  const term = b.attachPty(['attach', id]);
  await term.waitForText('ready');
  term.write('\x1c'); // Ctrl-\ is no longer the detach key: the program gets it
  await term.waitForText('got:1c');
  term.write('\x01d');
  assert.equal(await term.waitForExit(), 0);
  assert.match(term.text, new RegExp(`\\[detached from ${id}\\]`));

  const created = b.attachPty(['new', 'exec', '-a', '--', ...RAW_ECHO]);
  await created.waitForText('ready');
  created.write('\x01d');
  assert.equal(await created.waitForExit(), 0);
  assert.match(created.text, /\[detached from s_[0-9a-f]+\]/);

  const explicit = b.attachPty(['attach', id, '--detach-keys', 'ctrl-\\']);
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
  explicit.write('\x1c');
  assert.equal(await explicit.waitForExit(), 0);
});
