// `kojo system dial-stdio`, the far end of `kojo --host`, run directly: its
// stdin/stdout become one connection to this machine's daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { KOJO_BIN, sandboxes } from '../../helpers/kojo.js';

const make = sandboxes();
const hello = '{"jsonrpc":"2.0","id":7,"method":"daemon.hello","params":{}}\n';

test('dial-stdio starts the daemon and carries its answers untouched, then ends with stdin', async () => {
  const b = await make();
  const list = '{"jsonrpc":"2.0","id":8,"method":"session.list","params":{}}\n';
  const result = await execa(KOJO_BIN, ['system', 'dial-stdio'], { env: b.env, extendEnv: false, input: hello + list });
  assert.equal(result.exitCode, 0, result.stderr);
  const [first, second, ...rest] = result.stdout
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; result: unknown });
  assert.equal(rest.length, 0);
  assert.equal(first!.id, 7);
  assert.equal((first!.result as { pid: number }).pid, await b.daemonPid());
  assert.deepEqual(second, { jsonrpc: '2.0', id: 8, result: [] });
});

test('dial-stdio --no-autostart fails in one line when no daemon runs, and starts none', async () => {
  const b = await make();
  const result = await execa(KOJO_BIN, ['system', 'dial-stdio', '--no-autostart'], {
    env: b.env,
    extendEnv: false,
    input: hello,
    reject: false,
  });
  assert.equal(result.exitCode, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'kojo: the kojo daemon is not running');
  assert.equal(await b.daemonPid(), undefined);
});

test('system is plumbing: hidden from help', async () => {
  const b = await make();
  const help = await b.run(['--help']);
  assert.doesNotMatch(help.stdout, /system/);
  assert.match(help.stdout, /--host <url>/);
});
