// kojo send: bytes as typed, bracketed paste only when the program asked for
// it, named keys, refusal on an exited session, and send --wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxes, waitFor, connect, request, FIXTURE_BIN, ROOT, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes({ path: [FIXTURE_BIN] });
const RECORDER = path.join(ROOT, 'test/fixtures/recorder.mjs');

/** A session running the recorder; resolves once it is ready for input. */
async function recorder(b: Sandbox, ...options: string[]): Promise<string> {
  const created = await b.run(['new', 'exec', '--', process.execPath, RECORDER, ...options]);
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  await waitFor(async () => (await b.run(['capture', id])).stdout.includes('ready'), 15_000, 'recorder ready');
  return id;
}

/** Waits until the recorder has received `length` bytes, then returns them. */
async function received(b: Sandbox, length: number): Promise<Buffer> {
  const file = path.join(b.dir, 'input.bin');
  await waitFor(
    () => fs.existsSync(file) && fs.statSync(file).size >= length,
    15_000,
    () =>
      `${length} input bytes (got ${fs.existsSync(file) ? JSON.stringify(fs.readFileSync(file, 'latin1')) : 'none'})`,
  );
  return fs.readFileSync(file);
}

test('send types the text byte for byte, then Enter; --no-enter leaves it out', async () => {
  const b = await box();
  const id = await recorder(b);
  const text = `héllo wörld ✓ $HOME \`x\` 'q' "d" \\ tab\there`;
  const sent = await b.run(['send', id, text]);
  assert.equal(sent.exitCode, 0, sent.stderr);
  assert.equal(sent.stdout, '');
  const first = Buffer.from(text + '\r');
  assert.deepEqual(await received(b, first.length), first);
  assert.equal((await b.run(['send', id, '--no-enter', '--', '-partial'])).exitCode, 0);
  const expected = Buffer.concat([first, Buffer.from('-partial')]);
  assert.deepEqual(await received(b, expected.length), expected);
});

test('stdin with -: the text less its final newline, then Enter', async () => {
  const b = await box();
  const id = await recorder(b);
  assert.equal((await b.run(['send', id, '-'], { input: 'from stdin\nsecond line\n' })).exitCode, 0);
  const expected = Buffer.from('from stdin\nsecond line\r');
  assert.deepEqual(await received(b, expected.length), expected);
});

test('a paste is bracketed only when the program turned bracketed paste on', async () => {
  const b = await box();
  const plain = await recorder(b);
  await b.run(['send', plain, 'no brackets']);
  assert.deepEqual(await received(b, 12), Buffer.from('no brackets\r'));

  const c = await box();
  const id = await recorder(c, 'paste');
  // The end marker inside the text cannot end the paste early.
  assert.equal((await c.run(['send', id, 'in\x1b[201~side'])).exitCode, 0);
  const expected = Buffer.from('\x1b[200~inside\x1b[201~\r');
  assert.deepEqual(await received(c, expected.length), expected);
});

test('named keys arrive as their bytes, cursor keys as the program asked', async () => {
  const b = await box();
  const id = await recorder(b);
  const keys = ['C-c', 'Escape', 'Enter', 'Up', 'Left', 'Tab', 'BSpace', 'C-\\', 'M-x', 'F5', 'PageDown'];
  const sent = await b.run(['send', id, ...keys.flatMap((k) => ['--key', k])]);
  assert.equal(sent.exitCode, 0, sent.stderr);
  const expected = Buffer.from('\x03\x1b\r\x1b[A\x1b[D\t\x7f\x1c\x1bx\x1b[15~\x1b[6~');
  assert.deepEqual(await received(b, expected.length), expected);

  const c = await box();
  const app = await recorder(c, 'appcursor');
  await c.run(['send', app, 'x', '--key', 'Up', '--key', 'Down']);
  const appExpected = Buffer.from('x\r\x1bOA\x1bOB');
  assert.deepEqual(await received(c, appExpected.length), appExpected);

  const bad = await b.run(['send', id, '--key', 'Hyper-q']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /^kojo: unknown key: Hyper-q \(/);
});

test('send to an exited session fails with "session not running"; so does the daemon, asked directly', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'true'])).stdout.trim();
  assert.equal((await b.run(['wait', id])).exitCode, 0);
  const sent = await b.run(['send', id, 'hello']);
  assert.equal(sent.exitCode, 1);
  assert.equal(sent.stderr, 'kojo: session not running');
  const keyed = await b.run(['send', id, '--key', 'Enter']);
  assert.equal(keyed.stderr, 'kojo: session not running');

  const socket = (await connect(path.join(b.home, 'run/kojo.sock')))!;
  const answer = (await request(socket, 'session.send', { session: id, text: 'x' })) as { error?: { message: string } };
  assert.equal(answer.error?.message, 'session not running');
  const nothing = (await request(socket, 'session.send', { session: id })) as { error?: { message: string } };
  assert.match(nothing.error?.message ?? '', /nothing to send/);
  const bad = (await request(socket, 'session.send', { session: id, keys: 'C-c' })) as { error?: { code: number } };
  assert.equal(bad.error?.code, -32602);
  socket.destroy();
});

test('send --wait returns once the stand-in agent has answered and gone quiet, printing only its new output', async () => {
  const b = await box();
  const id = (await b.run(['new', 'claude'])).stdout.trim();
  await waitFor(async () => (await b.run(['capture', id])).stdout.includes('claude ready'), 15_000, 'agent ready');
  const sent = await b.run(['send', id, 'run the tests', '--wait']);
  assert.equal(sent.exitCode, 0, sent.stderr);
  assert.match(sent.stdout, /received: "run the tests\\r"/);
  assert.doesNotMatch(sent.stdout, /claude ready/);
  assert.doesNotMatch(sent.stdout, /\x1b/);
});

test('send --wait ends with the session when it exits meanwhile, with its code', async () => {
  const b = await box();
  // Silent after the input (no echo): only the exit can end this wait.
  const script = 'stty -echo; echo ready; read -r x; exit 5';
  // The screen would call it idle after a quiet spell; here only the exit may end the wait.
  assert.equal((await b.run(['config', 'set', 'idle-after', '600'])).exitCode, 0);
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', script])).stdout.trim();
  await waitFor(async () => (await b.run(['capture', id])).stdout.includes('ready'), 15_000, 'ready');
  const sent = await b.run(['send', id, 'now', '--wait']);
  assert.equal(sent.exitCode, 5, sent.stderr);
});
