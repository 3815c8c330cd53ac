// kojo logs and the output log on disk: byte-exact past the 1 MB ring,
// -f until the session ends, capped with one rotated file, removed by rm,
// kept across a daemon restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { sandboxes, waitFor, KOJO_BIN, WAIT_FOR_GO, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes();

async function rawLogs(b: Sandbox, id: string): Promise<Buffer> {
  const result = await execa(KOJO_BIN, ['logs', id, '--raw'], {
    env: b.env,
    extendEnv: false,
    cwd: b.dir,
    encoding: 'buffer',
    stripFinalNewline: false,
    reject: false,
  });
  assert.equal(result.exitCode, 0, Buffer.from(result.stderr).toString());
  return Buffer.from(result.stdout);
}

/** A session that writes `data` untouched by the terminal (raw, no output processing), then exits. */
async function catSession(b: Sandbox, data: Buffer): Promise<string> {
  fs.writeFileSync(path.join(b.dir, 'data.bin'), data);
  const created = await b.run(['new', 'exec', '--', 'bash', '-c', 'stty raw -opost -echo; cat data.bin']);
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  assert.equal((await b.run(['wait', id])).exitCode, 0);
  return id;
}

test('with output-log on, logs --raw gives back a 3 MB binary stream exactly, also after a daemon restart', async () => {
  const b = await box();
  assert.equal((await b.run(['config', 'set', 'output-log', 'on'])).exitCode, 0);
  const data = randomBytes(3 * 1024 * 1024);
  const id = await catSession(b, data);
  const logged = await rawLogs(b, id);
  assert.equal(logged.length, data.length);
  assert.ok(logged.equals(data), 'logs --raw equals the bytes written');
  assert.ok(fs.readFileSync(path.join(b.home, 'logs', `${id}.log`)).equals(data), 'the log file on disk');

  assert.equal((await b.run(['daemon', 'stop'])).exitCode, 0);
  assert.ok(fs.readFileSync(path.join(b.home, 'logs', `${id}.log`)).equals(data), 'kept on disk');
  assert.ok((await rawLogs(b, id)).equals(data), 'logs after the restart');
});

test('without the output log, logs prints the scrollback as text: escapes removed, --tail N lines', async () => {
  const b = await box();
  const script = `printf '\\e[1;32mgreen\\e[0m text\\r\\nsecond\\r\\nthird\\r\\n'`;
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', script])).stdout.trim();
  await b.run(['wait', id]);
  assert.equal((await b.run(['logs', id])).stdout, 'green text\nsecond\nthird');
  assert.equal((await b.run(['logs', id, '--tail', '2'])).stdout, 'second\nthird');
  assert.match((await rawLogs(b, id)).toString(), /\x1b\[1;32mgreen/);
  assert.equal(fs.existsSync(path.join(b.home, 'logs', `${id}.log`)), false, 'no log file while off');
});

test('the output log is capped, keeps one rotated file, and goes with rm', async () => {
  const b = await box();
  await b.run(['config', 'set', 'output-log', 'on']);
  await b.run(['config', 'set', 'output-log-max-bytes', '100000']);
  const data = randomBytes(250_000);
  const id = await catSession(b, data);
  const current = path.join(b.home, 'logs', `${id}.log`);
  assert.equal(fs.statSync(current).size, 50_000);
  assert.equal(fs.statSync(`${current}.1`).size, 100_000);
  assert.ok((await rawLogs(b, id)).equals(data.subarray(100_000)), 'the last 150 000 bytes, in order');
  assert.equal((await b.run(['rm', id])).exitCode, 0);
  assert.equal(fs.existsSync(current), false);
  assert.equal(fs.existsSync(`${current}.1`), false);
});

test('logs -f follows until the session ends and exits with its code', async () => {
  const b = await box();
  const id = (
    await b.run(['new', 'exec', '--', 'bash', '-c', `echo first; ${WAIT_FOR_GO}; echo second; exit 7`])
  ).stdout.trim();
  const follow = execa(KOJO_BIN, ['logs', '-f', id], { env: b.env, extendEnv: false, cwd: b.dir, reject: false });
  let out = '';
  follow.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('first'), 15_000, 'first line');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  const result = await follow;
  assert.equal(result.exitCode, 7, result.stderr);
  assert.equal(result.stdout, 'first\nsecond');
});

test('logs -f ends with status 1 and a message when the daemon goes away', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', 'echo up; sleep 600'])).stdout.trim();
  const follow = execa(KOJO_BIN, ['logs', '-f', id], { env: b.env, extendEnv: false, cwd: b.dir, reject: false });
  let out = '';
  follow.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('up'), 15_000, 'first line');
  assert.equal((await b.run(['daemon', 'stop'])).exitCode, 0);
  const result = await follow;
  assert.equal(result.exitCode, 1);
  assert.match(
    result.stderr,
    /^kojo: (lost connection to the kojo daemon|the daemon ended the stream of s_[0-9a-f]+)$/,
  );
});
