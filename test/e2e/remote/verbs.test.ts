// Every-day verbs against a daemon reached over a real ssh (private sshd on
// 127.0.0.1), and the one-line errors when ssh cannot get there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, sandboxes, waitFor } from '../../helpers/kojo.js';
import { laptopAndBox as pairUp, testSshd, type TestSshd } from '../../helpers/sshd.js';
import { PROTOCOL_VERSION } from '../../../src/shared/version.js';

const sshd: TestSshd = await testSshd();
const make = sandboxes();

const laptopAndBox = () => pairUp(sshd, make);
/** Each ssh command pays for a login shell there (this machine's .bashrc is slow under load): wait long. */
const SSH_WAIT = 90_000;

test('new, ls, ls --json, stop and rm run on the remote daemon, which autostarts there', async () => {
  const { laptop, box, host } = await laptopAndBox();
  assert.equal(await box.daemonPid(), undefined);
  const created = await laptop.run(
    ['--host', host, 'new', 'exec', '--name', 'far', '--cwd', box.dir, '--', 'sleep', '600'],
    { timeout: SSH_WAIT },
  );
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  assert.match(id, /^s_/);
  // The daemon that runs it is the box's; the laptop has none.
  assert.ok(await box.daemonPid());
  assert.equal(await laptop.daemonPid(), undefined);

  // KOJO_HOST does what --host does.
  const listed = await laptop.run(['ls'], { env: { KOJO_HOST: host }, timeout: SSH_WAIT });
  assert.equal(listed.exitCode, 0, listed.stderr);
  assert.match(listed.stdout, /far/);
  const local = await box.run(['ls', '--json'], { timeout: SSH_WAIT });
  const remote = await laptop.run(['--host', host, 'ls', '--json'], { timeout: SSH_WAIT });
  assert.equal(remote.exitCode, 0, remote.stderr);
  const remoteList = JSON.parse(remote.stdout) as { id: string; name: string; status: string; workDir: string }[];
  assert.deepEqual(remoteList, JSON.parse(local.stdout));
  assert.equal(remoteList[0]!.id, id);
  assert.equal(remoteList[0]!.workDir, box.dir);

  const stopped = await laptop.run(['--host', host, 'stop', 'far'], { timeout: SSH_WAIT });
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  await waitFor(
    async () => (await box.run(['ls', '--json'], { timeout: SSH_WAIT })).stdout.includes('"exited"'),
    15_000,
    'session to stop',
  );
  const removed = await laptop.run(['--host', host, 'rm', 'far'], { timeout: SSH_WAIT });
  assert.equal(removed.exitCode, 0, removed.stderr);
  assert.deepEqual(JSON.parse((await box.run(['ls', '--json'], { timeout: SSH_WAIT })).stdout), []);
});

test('over --host, new runs in the remote home with the remote environment, and status says when nothing runs there', async () => {
  const { laptop, box, host } = await laptopAndBox();
  const none = await laptop.run(['--host', host, 'daemon', 'status'], { timeout: SSH_WAIT });
  assert.equal(none.exitCode, 3, none.stderr);
  assert.match(none.stdout, /^not running on \S+$/);
  assert.equal(none.stderr, '');
  const created = await laptop.run(
    ['--host', host, 'new', 'exec', '--', 'sh', '-c', 'echo "dir=$PWD laptop=[$LAPTOP_ONLY]"; sleep 600'],
    { env: { LAPTOP_ONLY: 'leaked' }, timeout: SSH_WAIT },
  );
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  let screen = '';
  await waitFor(
    async () => /dir=/.test((screen = (await box.run(['capture', id], { timeout: SSH_WAIT })).stdout)),
    20_000,
    () => `the session's first line (screen: ${JSON.stringify(screen)})`,
  );
  // The laptop's directory and environment mean nothing on the box.
  assert.match(screen, new RegExp(`dir=${os.userInfo().homedir} laptop=\\[\\]`));
  const status = await laptop.run(['--host', host, 'daemon', 'status'], { timeout: SSH_WAIT });
  assert.equal(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /^running: kojo .*\nstate: {3}\S+\nhost: {4}\S+\n/);
  assert.equal(await laptop.daemonPid(), undefined);
});

test('a daemon speaking another protocol is refused, naming the host and both versions', async () => {
  const { laptop, host } = await laptopAndBox();
  const old = path.join(ROOT, 'test/fixtures/remote/old-kojo');
  const result = await laptop.run(['--host', host, 'ls'], { env: { KOJO_REMOTE_COMMAND: old }, timeout: SSH_WAIT });
  assert.equal(result.exitCode, 1);
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(
    result.stderr.trim(),
    `kojo: box: the daemon there is kojo 0.0.1 (protocol 0), this is kojo ${version} (protocol ${PROTOCOL_VERSION}); install the same kojo on both`,
  );
});

test('ssh failures become one line naming the host, within the timeout', async () => {
  const { laptop, box } = await laptopAndBox();
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      `ssh://${sshd.hosts.badKey}${box.home}`,
      {},
      /^kojo: badkey: ssh refused the login \(ssh: .*Permission denied.*\)$/,
    ],
    [`ssh://${sshd.hosts.refused}`, {}, /^kojo: nobody: connection refused \(ssh: .*Connection refused\)$/],
    ['ssh://no-such-host.invalid', {}, /^kojo: no-such-host\.invalid: unknown host \(ssh: Could not resolve hostname/],
    [
      `ssh://${sshd.hosts.ok}${box.home}`,
      { KOJO_REMOTE_COMMAND: '/nonexistent/kojo' },
      /^kojo: box: kojo is not installed there \(ssh: command not found\); if it is, set KOJO_REMOTE_COMMAND/,
    ],
    [
      `ssh://${sshd.hosts.ok}${box.home}`,
      { KOJO_REMOTE_COMMAND: 'echo Welcome to box; cat #' }, // a chatty .bashrc, then silence
      /^kojo: not the daemon speaking: "Welcome to box" \(over ssh: does a shell start-up file there print\?\)$/,
    ],
  ];
  for (const [host, env, expected] of cases) {
    const result = await laptop.run(['--host', host, 'ls'], { env, timeout: SSH_WAIT });
    assert.equal(result.exitCode, 1, `${host}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr.trim(), expected);
  }
});

test('a malformed host URL or one that ssh would read as an option is refused before ssh runs', async () => {
  const { laptop } = await laptopAndBox();
  for (const [url, why] of [
    ['ssh://-oProxyCommand=touch%20pwned', 'a host cannot begin with "-"'],
    ['box', 'only ssh:// is supported'],
    ['ssh://box:99999', 'bad port "99999"'],
    ['ssh://', 'malformed'],
  ] as const) {
    const result = await laptop.run(['--host', url, 'ls']);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(
      result.stderr.trim(),
      `kojo: bad host URL ${JSON.stringify(url)}: ${why} (expected ssh://[user@]host[:port][/state-dir])`,
    );
  }
  assert.equal(fs.existsSync(path.join(laptop.dir, 'pwned')), false);
});
