// Issue 12: an OS error that reaches the user is one line saying what kojo
// tried and why it failed, from the CLI and from the daemon's start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, KOJO_BIN } from '../../helpers/kojo.js';

const box = sandboxes();

function assertOneCleanLine(stderr: string, expected: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${JSON.stringify(stderr)}`);
  assert.match(lines[0]!, expected);
  assert.doesNotMatch(
    stderr,
    /\b(EEXIST|ENOTDIR|ENOENT|EACCES|EPERM)\b|\bat \S+:\d+|mkdir '/,
    'no errno names, stacks or raw syscall text',
  );
}

test('a state directory that cannot be made: one line from the CLI and from `daemon run`', async () => {
  const b = await box();
  const ls = await b.run(['ls'], { env: { KOJO_HOME: '/dev/null' } });
  assert.equal(ls.exitCode, 1);
  assertOneCleanLine(
    ls.stderr,
    /^kojo: cannot create the state directory \/dev\/null: it exists and is not a directory$/,
  );

  const under = await b.run(['new', 'exec', '--', 'true'], { env: { KOJO_HOME: '/dev/null/kojo' } });
  assert.equal(under.exitCode, 1);
  assertOneCleanLine(
    under.stderr,
    /^kojo: cannot create the state directory \/dev\/null\/kojo: a part of the path is not a directory$/,
  );

  const run = await b.run(['daemon', 'run'], { env: { KOJO_HOME: '/dev/null' } });
  assert.equal(run.exitCode, 1);
  assertOneCleanLine(
    run.stderr,
    /^\S+Z not starting: cannot create the state directory \/dev\/null: it exists and is not a directory$/,
  );
});

test('a daemon that fails at start-up is reported at once, with its reason', async () => {
  const b = await box();
  fs.mkdirSync(b.home, { recursive: true });
  fs.writeFileSync(path.join(b.home, 'run'), 'a file where the socket directory goes');
  const r = await b.run(['ls']);
  assert.equal(r.exitCode, 1);
  assertOneCleanLine(
    r.stderr,
    /^kojo: the kojo daemon did not start: cannot create the socket directory .*\/run: it exists and is not a directory \(log: .*daemon\.log\)$/,
  );
});

test('a removed working directory is said plainly', async () => {
  const b = await box();
  const r = await execa('sh', ['-c', 'mkdir gone && cd gone && rmdir ../gone && exec "$KOJO" new exec -- true'], {
    env: { ...b.env, KOJO: KOJO_BIN },
    extendEnv: false,
    cwd: b.dir,
    reject: false,
  });
  assert.equal(r.exitCode, 1);
  assertOneCleanLine(
    r.stderr,
    /^kojo: cannot read the current directory \(give --cwd, or cd to one that exists\): no such file or directory$/,
  );
});
