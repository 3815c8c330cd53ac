// Attach through the built CLI: real PTYs as the user's terminal, raw
// attachers writing to files, byte-exact streams, slow attachers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { sandboxes, waitFor, KOJO_BIN, type Sandbox, type PtyClient, WAIT_FOR_GO } from '../helpers/kojo.js';

const box = sandboxes();

async function attachedCount(b: Sandbox, id: string): Promise<number> {
  const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; attached: number }>;
  return list.find((s) => s.id === id)?.attached ?? -1;
}

/** `kojo attach` with stdout to a file, as `kojo attach id > out` in a script. */
function rawAttach(b: Sandbox, id: string, out: string) {
  return execa(KOJO_BIN, ['attach', id], {
    env: b.env,
    extendEnv: false,
    cwd: b.dir,
    stdin: 'ignore',
    stdout: { file: out },
    reject: false,
  });
}

test('attach in a terminal: replay, live output, typed input, Ctrl-\\ detaches and restores the terminal', async () => {
  const b = await box();
  const id = (
    await b.run(['new', 'exec', '--', 'bash', '-c', 'echo first-line; while read -r line; do echo "got:$line"; done'])
  ).stdout.trim();
  const term = b.shellPty(`stty -g; "$KOJO" attach ${id}; echo "status=$?"; stty -g`);
  await term.waitForText('first-line');
  term.write('hello kojo\r');
  await term.waitForText('got:hello kojo');
  term.write('\x1c');
  await term.waitForText(/status=0/);
  await term.waitForExit();
  const lines = term.text.split(/\r?\n/);
  const settings = lines.filter((l) => /^[0-9a-f]+(:[0-9a-f]+){10,}/.test(l.trim()));
  assert.equal(settings.length, 2, term.text);
  assert.equal(settings[0]!.trim(), settings[1]!.trim(), 'terminal settings restored');
  assert.match(term.text, new RegExp(`\\[detached from ${id}\\]`));
  // The session lives on and keeps its output for the next attacher.
  const again = b.attachPty(['attach', id]);
  await again.waitForText('got:hello kojo');
  again.write('\x1c');
  assert.equal(await again.waitForExit(), 0);
});

test('custom detach keys and a session ending while attached', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', 'read -r x; echo "bye $x"; exit 42'])).stdout.trim();
  const term = b.attachPty(['attach', id, '--detach-keys', 'ctrl-a,d']);
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
  term.write('\x01x\r'); // ctrl-a then x: not the sequence, both reach the program
  await term.waitForText('bye \x01x');
  assert.equal(await term.waitForExit(), 42);
  assert.match(term.text, new RegExp(`\\[session ${id} exited with code 42\\]`));
});

test('two attachers receive identical bytes', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', `${WAIT_FOR_GO}; seq 1 200000`])).stdout.trim();
  const one = rawAttach(b, id, path.join(b.dir, 'one.out'));
  const two = rawAttach(b, id, path.join(b.dir, 'two.out'));
  await waitFor(async () => (await attachedCount(b, id)) === 2, 10_000, 'two attachers');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  const [r1, r2] = await Promise.all([one, two]);
  assert.equal(r1.exitCode, 0, r1.stderr);
  assert.equal(r2.exitCode, 0, r2.stderr);
  const a = fs.readFileSync(path.join(b.dir, 'one.out'));
  const c = fs.readFileSync(path.join(b.dir, 'two.out'));
  const expected = Array.from({ length: 200000 }, (_, i) => `${i + 1}\r\n`).join('');
  assert.equal(a.length, Buffer.byteLength(expected));
  assert.ok(a.equals(c), 'identical bytes');
  assert.equal(a.toString(), expected);
});

/**
 * A session that, once told, cats `size` random bytes under stty raw -opost
 * then runs `then`; a raw attacher (`kojo attach id > out`) is attached and
 * the session told to go.
 */
async function binaryStream(backend: 'direct' | 'tmux', size: number, then: string) {
  const b = await box();
  const data = randomBytes(size);
  fs.writeFileSync(path.join(b.dir, 'data.bin'), data);
  const mode = backend === 'direct' ? ['--direct'] : [];
  const script = `stty raw -opost -echo; ${WAIT_FOR_GO}; cat data.bin; ${then}`;
  const id = (await b.run(['new', 'exec', ...mode, '--', 'bash', '-c', script])).stdout.trim();
  const out = path.join(b.dir, 'out.bin');
  const attacher = rawAttach(b, id, out);
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  return { b, id, data, out, attacher };
}

for (const backend of ['direct', 'tmux'] as const)
  test(`a 5 MB binary stream under stty raw -opost arrives byte for byte (${backend})`, async () => {
    // Stopped once every byte is out: nothing may follow them (no shell's "Terminated").
    const { b, id, data, out, attacher } = await binaryStream(backend, 5 * 1024 * 1024, 'exec sleep 600');
    await waitFor(() => fs.statSync(out).size >= data.length, 30_000, 'all bytes');
    await b.run(['stop', id]);
    const result = await attacher;
    assert.equal(result.exitCode, 143);
    const got = fs.readFileSync(out);
    assert.ok(got.equals(data), 'byte-exact');
  });

for (const backend of ['direct', 'tmux'] as const)
  test(`a program that writes 3 MB and exits at once delivers every byte and its exit status (${backend})`, async () => {
    const { b, id, data, out, attacher } = await binaryStream(backend, 3 * 1024 * 1024, 'exit 5');
    const result = await attacher;
    assert.equal(result.exitCode, 5, result.stderr);
    const got = fs.readFileSync(out);
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data), 'byte-exact');
    // lastOutput keeps the final bytes too: a later raw attach replays them.
    const replay = await execa(KOJO_BIN, ['attach', id], {
      env: b.env,
      extendEnv: false,
      encoding: 'buffer',
      stripFinalNewline: false, // random data may end in \n
      reject: false,
    });
    assert.equal(replay.exitCode, 5);
    const ringReplay = Buffer.from(replay.stdout);
    assert.ok(ringReplay.equals(data.subarray(data.length - 1024 * 1024)), 'ring holds the last 1 MB');
  });

test('a raw reader that falls over 64 MB behind is dropped with a message, never fed a screen', async () => {
  const b = await box();
  const script = `stty raw -opost -echo; ${WAIT_FOR_GO}; head -c 100000000 /dev/zero; sleep 600`;
  const id = (await b.run(['new', 'exec', '--direct', '--', 'bash', '-c', script])).stdout.trim();
  // `kojo attach id | reader` whose reader stops reading: nothing consumes the pipe yet.
  const reader = spawn(KOJO_BIN, ['attach', id], { env: b.env, cwd: b.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => reader.on('exit', (code) => resolve(code)));
  let stderr = '';
  reader.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
    fs.writeFileSync(path.join(b.dir, 'go'), '');
    await waitFor(async () => (await attachedCount(b, id)) === 0, 60_000, 'the reader dropped');
    // The reader reads again: it gets the program's bytes only, then the end.
    let received = 0;
    let foreign = false;
    reader.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (chunk.some((byte) => byte !== 0)) foreign = true;
    });
    assert.equal(await exited, 1);
    assert.match(
      stderr,
      new RegExp(
        `^kojo: fell over 64 MB behind ${id}'s output and was dropped \\(a raw stream cannot skip bytes\\)\n$`,
      ),
    );
    assert.ok(received > 0 && received < 100_000_000, `received ${received}`);
    assert.equal(foreign, false, "nothing but the program's bytes");
    assert.equal((await b.run(['ls', '-q'])).stdout.trim(), id, 'the session runs on');
  } finally {
    reader.kill('SIGKILL');
  }
});

test('the terminal size reaches the program, and the latest resize wins', async () => {
  const b = await box();
  const id = (
    await b.run(['new', 'exec', '--', 'bash', '-c', 'while read -r l; do echo "size=$(stty size)"; done'])
  ).stdout.trim();
  const term = b.attachPty(['attach', id], { cols: 100, rows: 30 });
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
  // Inside tmux a new size takes a moment to reach the pane: ask until it has.
  const sizeSeen = (client: PtyClient, size: string) =>
    waitFor(
      async () => {
        client.write('\r');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return client.text.includes(`size=${size}`);
      },
      10_000,
      `size ${size}`,
    );
  await sizeSeen(term, '30 100');
  term.resize(120, 40);
  await sizeSeen(term, '40 120');
  const second = b.attachPty(['attach', id], { cols: 70, rows: 20 });
  await waitFor(async () => (await attachedCount(b, id)) === 2, 10_000, 'second attach');
  await sizeSeen(second, '20 70');
  second.write('\x1c');
  term.write('\x1c');
  assert.equal(await second.waitForExit(), 0);
  assert.equal(await term.waitForExit(), 0);
});

test('a SIGSTOPped attacher does not delay the session or another attacher', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', `${WAIT_FOR_GO}; seq 1 2000000; exit 3`])).stdout.trim();
  const stopped = execa(KOJO_BIN, ['attach', id], {
    env: b.env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'first attach');
  process.kill(stopped.pid!, 'SIGSTOP');
  const out = path.join(b.dir, 'fast.out');
  const fast = rawAttach(b, id, out);
  await waitFor(async () => (await attachedCount(b, id)) === 2, 10_000, 'second attach');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  const result = await fast;
  assert.equal(result.exitCode, 3, result.stderr);
  const text = fs.readFileSync(out, 'utf8');
  assert.ok(text.endsWith('1999999\r\n2000000\r\n'), 'complete output');
  assert.equal(text.split('\r\n').length - 1, 2000000);
  process.kill(stopped.pid!, 'SIGCONT');
  stopped.stdout!.resume();
  const late = await stopped;
  assert.equal(late.exitCode, 3);
});
