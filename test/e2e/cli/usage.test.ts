// Issue 12 through the built CLI: the naming rule, usage errors exit 2,
// `new tmux -- args`. The daemon's guards are tested over the socket too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxes } from '../../helpers/kojo.js';
import { call } from '../../helpers/raw.js';

const box = sandboxes();

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
    const raw = await call(b, 'session.create', { tool: 'exec', args: ['true'], cwd: b.dir, env: {}, name });
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
    [['config', 'get', 'foo'], /^kojo: unknown config key: foo \(known: custom-base-url, detach-keys, [a-z, -]+\)$/],
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
  const raw = await call(b, 'session.create', { tool: 'tmux', args: ['ls'], cwd: b.dir, env: {} });
  assert.match(raw.error?.message ?? '', /takes no arguments/);
  assert.equal(JSON.parse((await b.run(['ls', '--json'])).stdout).length, 0, 'no session was made');
});
