// Flow control: a terminal that reads slowly gets every byte while the
// program is paced; a stopped one holds nobody back for longer than the stall
// bound, costs the daemon bounded memory, and is redrawn (or, raw, dropped
// with the reason) when it reads again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PtyBackend } from '../../../src/daemon/backends/pty.js';
import { sandboxes, waitFor, KOJO_BIN, type Sandbox, WAIT_FOR_GO } from '../../helpers/kojo.js';

const box = sandboxes();
const MB = 1024 * 1024;

async function attachedCount(b: Sandbox, id: string): Promise<number> {
  const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; attached: number }>;
  return list.find((s) => s.id === id)?.attached ?? -1;
}

async function newDirect(b: Sandbox, script: string): Promise<string> {
  const r = await b.run(['new', 'exec', '--direct', '--', 'bash', '-c', script]);
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

/** Numbered lines, so that a lost or doubled stretch cannot go unnoticed. */
function flood(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${String(i).padStart(9, '0')} ${'abcdefghij'.repeat(5)}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

/**
 * `kojo attach` in a real PTY whose reader takes at most `rate` bytes a
 * second: it stops reading the PTY (so the attach client blocks) when ahead.
 */
class SlowTerminal {
  private readonly chunks: Buffer[] = [];
  received = 0;
  private readonly started = Date.now();
  private readonly pty: PtyBackend;
  readonly exited: Promise<number>;

  constructor(b: Sandbox, args: string[], rate: number) {
    let done: (code: number) => void = () => undefined;
    this.exited = new Promise((resolve) => (done = resolve));
    this.pty = new PtyBackend(
      { file: process.execPath, args: [KOJO_BIN, ...args], cwd: b.dir, env: b.env, cols: 80, rows: 24 },
      {
        onData: (chunk) => {
          this.chunks.push(chunk);
          this.received += chunk.length;
          const ahead = this.received / rate - (Date.now() - this.started) / 1000;
          if (ahead > 0) {
            this.pty.pause();
            setTimeout(() => this.pty.resume(), ahead * 1000);
          }
        },
        onExit: (code) => done(code ?? -1),
      },
    );
  }

  get output(): Buffer {
    return Buffer.concat(this.chunks);
  }

  write(data: string): void {
    this.pty.write(data);
  }
}

test('a terminal that reads slowly but steadily gets every byte of a 24 MB flood, and the program is paced', async () => {
  const b = await box();
  const data = flood(24 * MB);
  fs.writeFileSync(path.join(b.dir, 'flood'), data);
  // -opost: the session's bytes reach the terminal exactly as written.
  const script = `stty raw -echo -opost; ${WAIT_FOR_GO}; dd if=flood bs=65536 status=none; touch written; sleep 600`;
  const id = await newDirect(b, script);
  const slow = new SlowTerminal(b, ['attach', '-q', id], 5 * MB);
  await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  await waitFor(() => fs.existsSync(path.join(b.dir, 'written')), 120_000, 'the program to write it all');
  // Paced: when the program is done, little is still on its way (daemon
  // watermarks plus kernel buffers), not most of the flood.
  const pending = data.length - slow.received;
  assert.ok(pending < 8 * MB, `${Math.round(pending / MB)} MB were still pending when the program finished`);
  await waitFor(() => slow.output.includes(data.subarray(-64)), 120_000, 'the last line');
  const output = slow.output;
  const start = output.indexOf(data.subarray(0, 64));
  assert.ok(start >= 0, 'the first line arrived');
  assert.ok(output.subarray(start, start + data.length).equals(data), 'every byte, in order, exactly');
  slow.write('\x1c');
  assert.equal(await slow.exited, 0);
});

test('a raw reader stopped while 200 MB pass exits 1 with the reason once it reads again', async () => {
  const b = await box();
  const id = await newDirect(b, `${WAIT_FOR_GO}; head -c ${200 * MB} /dev/zero; exit 0`);
  const out = path.join(b.dir, 'raw.out');
  const fd = fs.openSync(out, 'w');
  const reader = spawn(KOJO_BIN, ['attach', id], { env: b.env, cwd: b.dir, stdio: ['ignore', fd, 'pipe'] });
  fs.closeSync(fd);
  const exited = new Promise<number | null>((resolve) => reader.on('exit', (code) => resolve(code)));
  let stderr = '';
  reader.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(async () => (await attachedCount(b, id)) === 1, 10_000, 'attach');
    process.kill(reader.pid!, 'SIGSTOP');
    fs.writeFileSync(path.join(b.dir, 'go'), '');
    await waitFor(
      async () => JSON.parse((await b.run(['ls', '--json'])).stdout)[0].status === 'exited',
      180_000,
      'the session to end',
    );
    process.kill(reader.pid!, 'SIGCONT');
    assert.equal(await exited, 1);
    assert.equal(
      stderr,
      `kojo: fell over 64 MB behind ${id}'s output and was dropped (a raw stream cannot skip bytes)\n`,
    );
    const size = fs.statSync(out).size;
    assert.ok(size < 200 * MB, `received ${size}`);
  } finally {
    reader.kill('SIGKILL');
  }
});
