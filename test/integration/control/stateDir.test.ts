// A state directory another user could write to is refused, as tmux refuses
// its socket directory; so is a connection from another uid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { KOJO_BIN, sandboxes } from '../../helpers/kojo.js';

const newSandbox = sandboxes();

test('a world-writable state directory is refused, by the CLI and by the daemon itself', async () => {
  const box = await newSandbox();
  fs.mkdirSync(box.home, { mode: 0o700 });
  fs.chmodSync(box.home, 0o777);
  const ls = await box.run(['ls']);
  assert.equal(ls.exitCode, 1);
  assert.match(ls.stderr, /^kojo: unsafe state directory: .* is writable by group; fix it with: chmod go-w /);
  const daemon = await box.run(['daemon', 'run'], { timeout: 90_000 });
  assert.notEqual(daemon.exitCode, 0);
  assert.match(daemon.stderr, /not starting: unsafe state directory/);
  assert.ok(!fs.existsSync(path.join(box.home, 'run')), 'nothing created in it');
});

test('a planted run/ and a symlinked daemon.log are refused; the link target is untouched', async () => {
  const box = await newSandbox();
  fs.mkdirSync(path.join(box.home, 'run'), { recursive: true, mode: 0o700 });
  fs.chmodSync(box.home, 0o700);
  fs.chownSync(path.join(box.home, 'run'), 65534, 65534);
  const planted = await box.run(['ls']);
  assert.equal(planted.exitCode, 1);
  assert.match(planted.stderr, /^kojo: unsafe state directory: .*run belongs to uid 65534, not to you/);
  const daemon = await box.run(['daemon', 'run'], { timeout: 90_000 });
  assert.match(daemon.stderr, /not starting: unsafe state directory: .*run belongs to uid 65534/);
  fs.rmSync(path.join(box.home, 'run'), { recursive: true });

  const target = path.join(box.dir, 'victim.txt');
  fs.writeFileSync(target, 'precious\n');
  fs.symlinkSync(target, path.join(box.home, 'daemon.log'));
  const linked = await box.run(['ls']);
  assert.equal(linked.exitCode, 1);
  assert.match(linked.stderr, /^kojo: unsafe state directory: .*daemon\.log is a symlink/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
});

test('a client running as another user cannot reach the daemon', async (t) => {
  const box = await newSandbox();
  assert.equal((await box.run(['ls'])).exitCode, 0);
  const user = 'kojotest';
  await execa('useradd', ['--no-create-home', '--shell', '/bin/sh', user], { reject: false });
  const id = await execa('id', ['-u', user], { reject: false });
  if (id.exitCode !== 0) return t.skip('cannot create a user (useradd)');
  // The other user may walk to the socket (the sandbox lives under /tmp)…
  fs.chmodSync(path.dirname(box.home), 0o755);
  const probe = `require('net').connect(${JSON.stringify(path.join(box.home, 'run/kojo.sock'))}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`;
  const raw = await execa('runuser', ['-u', user, '--', process.execPath, '-e', probe], { reject: false });
  if (raw.exitCode !== 0 && /runuser/.test(raw.stderr)) return t.skip(`runuser failed: ${raw.stderr}`);
  assert.equal(raw.stdout.trim(), 'EACCES', 'the 0700 run/ and 0600 socket refuse another uid');
  const cli = await execa('runuser', ['-u', user, '--', process.execPath, KOJO_BIN, 'ls'], {
    env: box.env,
    reject: false,
  });
  assert.equal(cli.exitCode, 1);
  assert.match(cli.stderr, /^kojo: unsafe state directory: .* belongs to uid 0, not to you/);
});
