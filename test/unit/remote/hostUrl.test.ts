// The --host URL and the ssh command line kojo builds from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostUrl } from '../../../src/cli/remote/hostUrl.js';
import { sshArgs } from '../../../src/cli/remote/sshTransport.js';
import { describeSshFailure } from '../../../src/cli/remote/errors.js';

test('host URLs: user, port, state dir, IPv6', () => {
  assert.deepEqual(parseHostUrl('ssh://box'), { host: 'box', label: 'box' });
  assert.deepEqual(parseHostUrl('ssh://me@box:2222/srv/kojo'), {
    host: 'box',
    user: 'me',
    port: 2222,
    stateDir: '/srv/kojo',
    label: 'box',
  });
  assert.equal(parseHostUrl('ssh://box/~/kojo').stateDir, '~/kojo');
  assert.equal(parseHostUrl('ssh://[::1]:22').host, '::1');
});

test('host URLs that are malformed, or that ssh would take for an option, are refused', () => {
  for (const url of ['ssh://-oProxyCommand=x', 'ssh://me@-x', 'ssh://-x:22', 'ssh://-me@box']) {
    assert.throws(() => parseHostUrl(url), /bad host URL .*(cannot begin with "-"|bad user name)/, url);
  }
  for (const url of ['box', 'http://box', 'ssh://', 'ssh://box:0', 'ssh://box:x', 'ssh://a b', 'ssh://box/%zz']) {
    assert.throws(() => parseHostUrl(url), /^Error: bad host URL|bad host URL/, url);
  }
});

test('ssh runs batch, without a tty, sharing connections, with the host after --', () => {
  const env = { KOJO_HOME: '/tmp/k', KOJO_SSH_OPTS: '-F /x/cfg  -o Foo=1' };
  const args = sshArgs(parseHostUrl("ssh://me@box:2222/srv/it's"), { autostart: false }, env);
  assert.deepEqual(args.slice(0, 4), ['-F', '/x/cfg', '-o', 'Foo=1']);
  for (const option of ['BatchMode=yes', 'ConnectTimeout=10', 'ControlMaster=auto', 'ControlPersist=60'])
    assert.ok(args.includes(option), option);
  assert.ok(args.includes('ControlPath=/tmp/k/run/ssh-%C'));
  assert.ok(args.includes('-T'));
  assert.ok(!args.some((a) => /StrictHostKeyChecking|UserKnownHostsFile/.test(a)), 'host keys as the user configured');
  assert.deepEqual(args.slice(-7, -1), ['-l', 'me', '-p', '2222', '--', 'box']);
  const command = sshArgs(parseHostUrl("ssh://box/srv/it's"), { autostart: false }, env).at(-1);
  assert.equal(command, `env KOJO_HOME='/srv/it'\\''s' kojo system dial-stdio --no-autostart`);
  const home = sshArgs(parseHostUrl('ssh://box/~/k'), {}, { ...env, KOJO_REMOTE_COMMAND: '~/bin/kojo' }).at(-1);
  assert.equal(home, `env KOJO_HOME="$HOME"/'k' ~/bin/kojo system dial-stdio`);
});

test('ssh failures read as one line naming the host', () => {
  const box = parseHostUrl('ssh://box');
  const failed = { code: 255, signal: null };
  assert.equal(
    describeSshFailure(box, failed, 'ssh: connect to host box port 22: Connection refused\r\n'),
    'box: connection refused (ssh: connect to host box port 22: Connection refused)',
  );
  assert.match(
    describeSshFailure(box, failed, 'root@box: Permission denied (publickey).\n'),
    /^box: ssh refused the login/,
  );
  assert.match(describeSshFailure(box, failed, 'Host key verification failed.\n'), /^box: host key not trusted/);
  assert.equal(
    describeSshFailure(box, { code: 127, signal: null }, 'bash: line 1: kojo: command not found\n'),
    'box: kojo is not installed there (ssh: command not found); if it is, set KOJO_REMOTE_COMMAND to its path there',
  );
  assert.equal(
    describeSshFailure(box, { code: 1, signal: null }, 'kojo: the kojo daemon is not running\n'),
    'box: the kojo daemon is not running',
  );
});
