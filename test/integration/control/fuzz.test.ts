// Fuzz against a real daemon: 10,000 control lines and 1,000 attach-frame
// streams from a seeded PRNG. Whatever they hold, the daemon must stay up and
// still answer hello.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { sandboxes } from '../../helpers/kojo.js';
import { call, open, prng, rawAttach } from '../../helpers/raw.js';

const newSandbox = sandboxes();
const SEED = 0x6b6f6a6f;
// Methods that would end the daemon or start programs are left out: valid
// calls to them do what they should, which is not what is fuzzed here.
const METHODS = [
  'daemon.hello',
  'session.list',
  'session.get',
  'session.yolo',
  'session.attachments',
  'session.attachmentRemove',
  'session.watch',
  'session.tmuxAction',
  'config.get',
  'no.such.method',
];

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return [0, -1, 1e308, 2 ** 53, 65_535, 30_000, 1.5][Math.floor(rand() * 7)];
    case 3:
      return 'x'.repeat(Math.floor(rand() * 40));
    case 4:
      return String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(rand() * 0xffff)));
    case 5:
      return 's_';
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (const key of ['session', 'cols', 'rows', 'topic', 'key', 'enabled', 'path', 'action', 'all', '__proto__'])
        if (rand() < 0.3) o[key] = randomValue(rand, depth + 1);
      return o;
    }
  }
}

function randomLine(rand: () => number, session: string): string {
  const kind = rand();
  if (kind < 0.1)
    return Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))
      .toString('latin1')
      .replace(/\n/g, ' ');
  if (kind < 0.15) return '['.repeat(Math.floor(rand() * 5000)) + '1';
  const request: Record<string, unknown> = {
    jsonrpc: rand() < 0.9 ? '2.0' : randomValue(rand),
    method: METHODS[Math.floor(rand() * METHODS.length)],
    params: randomValue(rand),
  };
  if (rand() < 0.9) request.id = rand() < 0.8 ? Math.floor(rand() * 1e6) : randomValue(rand);
  if (rand() < 0.3 && typeof request.params === 'object' && request.params !== null) {
    (request.params as Record<string, unknown>).session = session;
  }
  const line = JSON.stringify(request);
  // Sometimes cut short or with a byte flipped.
  if (rand() < 0.1) return line.slice(0, Math.floor(rand() * line.length));
  return line;
}

function randomFrames(rand: () => number): Buffer {
  const parts: Buffer[] = [];
  for (let i = Math.floor(rand() * 6); i >= 0; i--) {
    const type = rand() < 0.9 ? 1 + Math.floor(rand() * 2) : Math.floor(rand() * 256);
    const payload =
      type === 2 && rand() < 0.8
        ? Buffer.from([rand() * 256, rand() * 256, rand() * 256, rand() * 256].map(Math.floor))
        : Buffer.from(Array.from({ length: Math.floor(rand() * 32) }, () => Math.floor(rand() * 256)));
    const header = Buffer.alloc(5);
    header.writeUInt8(type, 0);
    header.writeUInt32BE(rand() < 0.05 ? Math.floor(rand() * 2 ** 32) : payload.length, 1);
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}

function drain(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.on('data', () => undefined);
    socket.once('close', () => resolve());
    socket.once('error', () => resolve());
  });
}

test('10,000 fuzzed control lines and 1,000 fuzzed attach streams leave the daemon answering', async () => {
  const box = await newSandbox();
  const made = await box.run([
    'new',
    '--direct',
    'exec',
    '--',
    'sh',
    '-c',
    "trap '' INT QUIT TSTP HUP; stty -isig -icanon; while :; do sleep 1; done",
  ]);
  assert.equal(made.exitCode, 0, made.stderr);
  const session = made.stdout.trim();
  const rand = prng(SEED);

  // Control lines, 100 connections of 100 lines each, pipelined.
  for (let c = 0; c < 100; c++) {
    const socket = await open(box);
    const done = drain(socket);
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(randomLine(rand, session));
    socket.end(lines.join('\n') + '\n');
    await done;
  }
  assert.ok((await call(box, 'daemon.hello', {})).result, 'hello after the control fuzz');

  // Attach streams, 8 at a time.
  for (let batch = 0; batch < 125; batch++) {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const frames = randomFrames(rand);
        const cols = Math.floor(rand() * 2000);
        const { socket } = await rawAttach(box, { session, cols, rows: Math.floor(rand() * 2000) });
        const done = drain(socket);
        socket.end(frames);
        setTimeout(() => socket.destroy(), 2000).unref();
        await done;
      }),
    );
  }
  const hello = await call(box, 'daemon.hello', {});
  assert.ok(hello.result, JSON.stringify(hello));
  const info = (await call(box, 'session.get', { session })).result as {
    lastCols: number;
    lastRows: number;
    status: string;
  };
  assert.equal(info.status, 'running');
  assert.ok(info.lastCols >= 1 && info.lastCols <= 1000 && info.lastRows >= 1 && info.lastRows <= 1000);
});
