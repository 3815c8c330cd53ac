// kojo daemon install / uninstall: a systemd user unit with absolute paths
// that systemd-analyze accepts; uninstall removes exactly what install wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, ROOT } from '../../helpers/kojo.js';
import { DAEMON_NODE_FLAGS } from '../../../src/shared/limits.js';

const box = sandboxes();

test('daemon install --dry-run prints a unit systemd-analyze verify accepts', async (t) => {
  const b = await box();
  const printed = await b.run(['daemon', 'install', '--dry-run']);
  assert.equal(printed.exitCode, 0, printed.stderr);
  const unit = printed.stdout;
  const flags = DAEMON_NODE_FLAGS.map((flag) => `"${flag}"`).join(' ');
  assert.ok(
    unit.includes(`ExecStart="${process.execPath}" ${flags} "${path.join(ROOT, 'dist/cli.cjs')}" "daemon" "run"`),
    unit,
  );
  assert.ok(unit.includes(`Environment="KOJO_HOME=${b.home}"`), 'KOJO_HOME, as the user set it');
  const unset = await b.run(['daemon', 'install', '--dry-run'], { env: { KOJO_HOME: '' } });
  assert.doesNotMatch(unset.stdout, /KOJO_HOME/, 'no KOJO_HOME when the user set none');

  const analyze = await execa('sh', ['-c', 'command -v systemd-analyze'], { reject: false });
  if (analyze.exitCode !== 0) return t.skip('systemd-analyze is not installed');
  const file = path.join(b.dir, 'kojo.service');
  fs.writeFileSync(file, unit);
  const verified = await execa('systemd-analyze', ['verify', file], { reject: false });
  if (/Failed to (initialize manager|connect to bus)/.test(verified.stderr)) {
    return t.skip(`systemd-analyze cannot run here: ${verified.stderr.split('\n')[0]}`);
  }
  assert.equal(verified.exitCode, 0, verified.stderr);
  assert.equal(verified.stderr, '');
});

test('install writes the unit and enables it; uninstall disables it and removes exactly that file', async () => {
  const b = await box();
  const config = path.join(b.dir, 'config');
  // systemctl stands in for systemd's (there is no user manager in a test); it records its arguments.
  const bin = path.join(b.dir, 'bin');
  fs.mkdirSync(bin);
  const calls = path.join(b.dir, 'systemctl.calls');
  fs.writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> "${calls}"\n`, { mode: 0o755 });
  const env = { XDG_CONFIG_HOME: config, PATH: `${bin}:${b.env.PATH}` };

  const installed = await b.run(['daemon', 'install'], { env });
  assert.equal(installed.exitCode, 0, installed.stderr);
  const unit = path.join(config, 'systemd/user/kojo.service');
  assert.equal(fs.readFileSync(unit, 'utf8'), (await b.run(['daemon', 'install', '--dry-run'], { env })).stdout + '\n');
  assert.match(installed.stdout, /loginctl enable-linger/);
  assert.deepEqual(fs.readFileSync(calls, 'utf8').split('\n'), [
    '--user daemon-reload',
    '--user enable --now kojo.service',
    '',
  ]);

  const removed = await b.run(['daemon', 'uninstall'], { env });
  assert.equal(removed.exitCode, 0, removed.stderr);
  assert.equal(fs.existsSync(unit), false);
  assert.deepEqual(fs.readdirSync(path.join(config, 'systemd/user')), []);
  assert.deepEqual(fs.readFileSync(calls, 'utf8').split('\n').slice(2), [
    '--user disable --now kojo.service',
    '--user daemon-reload',
    '',
  ]);

  // A unit kojo did not write is left alone.
  fs.writeFileSync(unit, '[Service]\nExecStart=/bin/true\n');
  const refused = await b.run(['daemon', 'uninstall'], { env });
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /was not written by kojo; left alone/);
  assert.ok(fs.existsSync(unit));
});
