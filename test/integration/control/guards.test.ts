// The daemon's own guards on the control socket, checked over raw sockets:
// sizes, request ids, request size, connection cap and idle timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange, sandboxes, waitFor } from '../../helpers/kojo.js';
import { call, closed, open, rawAttach, rssKb } from '../../helpers/raw.js';

const newSandbox = sandboxes();
const SPIN = "trap '' INT QUIT TSTP; while :; do sleep 1; done";

async function started(extraEnv: Record<string, string> = {}) {
  const box = await newSandbox();
  Object.assign(box.env, extraEnv);
  const made = await box.run(['new', '--direct', 'exec', '--', 'sh', '-c', SPIN]);
  assert.equal(made.exitCode, 0, made.stderr);
  const pid = await box.daemonPid();
  assert.ok(pid);
  return { box, id: made.stdout.trim(), pid };
}

test('a 30000×30000 resize frame is cut to the size bound; the daemon lives on at a sane RSS', async () => {
  const { box, id, pid } = await started();
  const { socket, reply } = await rawAttach(box, { session: id, cols: 80, rows: 24 });
  assert.ok(reply.result, JSON.stringify(reply));
  socket.write(Buffer.from([0x02, 0, 0, 0, 4, 0x75, 0x30, 0x75, 0x30])); // 30000×30000
  await waitFor(
    async () => {
      const info = (await call(box, 'session.get', { session: id })).result as { lastCols: number };
      return info.lastCols === 1000;
    },
    20_000,
    'the size to be clamped to 1000',
  );
  const info = (await call(box, 'session.get', { session: id })).result as { lastCols: number; lastRows: number };
  assert.deepEqual([info.lastCols, info.lastRows], [1000, 1000]);
  // The emulator has resized to 1000×1000 by the time it serializes for a new attacher.
  const second = await rawAttach(box, { session: id, cols: 1000, rows: 1000, readOnly: true });
  assert.ok(second.reply.result);
  assert.ok((await call(box, 'daemon.hello', {})).result);
  assert.ok(rssKb(pid) < 1024 * 1024, `daemon RSS ${rssKb(pid)} kB`);
  socket.destroy();
  second.socket.destroy();
});

test('a 0×0 terminal falls back to 80×24 on attach and create; 10000 columns are cut to 1000', async () => {
  const { box, id } = await started();
  const { socket, reply } = await rawAttach(box, { session: id, cols: 0, rows: 0 });
  assert.ok(reply.result, JSON.stringify(reply));
  socket.destroy();
  const made = await call(box, 'session.create', {
    tool: 'exec',
    args: ['sh', '-c', SPIN],
    cwd: box.dir,
    env: box.env,
    direct: true,
    cols: 10_000,
    rows: 0,
  });
  const info = made.result as { lastCols: number; lastRows: number; id: string };
  assert.deepEqual([info.lastCols, info.lastRows], [1000, 24], JSON.stringify(made));
  await box.run(['rm', '-f', info.id]);
});

test('ids nested 10,000 deep and non-scalar ids are refused with Invalid Request', async () => {
  const { box } = await started();
  const deep = '['.repeat(10_000) + ']'.repeat(10_000);
  for (const id of [deep, '[1]', '{"a":1}', 'true']) {
    const socket = await open(box);
    const line = `{"jsonrpc":"2.0","id":${id},"method":"daemon.hello","params":{}}\n`;
    const reply = (await rawExchange(socket, line)) as { id: unknown; error?: { code: number; message: string } };
    socket.destroy();
    assert.equal(reply.id, null);
    assert.equal(reply.error?.code, -32600, `${id.slice(0, 20)}: ${JSON.stringify(reply).slice(0, 200)}`);
  }
  assert.ok((await call(box, 'daemon.hello', {})).result);
});

test('a request over 1 MB is answered "request larger than 1 MB", on the socket and at the CLI', async () => {
  const { box } = await started();
  const socket = await open(box);
  const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon.hello', params: { pad: 'x'.repeat(1_100_000) } });
  const reply = (await rawExchange(socket, big + '\n')) as { error?: { message: string } };
  assert.match(reply.error?.message ?? '', /request larger than 1 MB/);
  await closed(socket);
  const pad = Array.from({ length: 10 }, () => 'y'.repeat(110_000));
  const result = await box.run(['new', '--direct', 'exec', '--', 'true', ...pad]);
  assert.equal(result.exitCode, 1);
  assert.match(result.stderr, /kojo: request larger than 1 MB/);
  assert.ok((await call(box, 'daemon.hello', {})).result);
});

test('an idle control connection is closed; an attach connection is not', async () => {
  const { box, id } = await started({ KOJO_CONTROL_IDLE_MS: '1000' });
  const attached = await rawAttach(box, { session: id, cols: 80, rows: 24 });
  const idle = await open(box);
  await closed(idle, 60_000);
  assert.ok(!attached.socket.destroyed);
  assert.ok((await call(box, 'daemon.hello', {})).result);
  attached.socket.destroy();
});

test('past 256 control connections, a new one is told why and closed; the daemon still answers', async () => {
  const { box, id } = await started();
  const attached = await rawAttach(box, { session: id, cols: 80, rows: 24 }); // not counted
  let told = 0;
  const sockets = [];
  for (let i = 0; i < 300; i++) {
    const socket = await open(box);
    socket.on('data', (d: Buffer) => {
      if (d.toString().includes('too many connections to the kojo daemon (at most 256)')) told++;
    });
    sockets.push(socket);
  }
  await waitFor(
    () => told === 300 - 256,
    60_000,
    () => `${told} refusals`,
  );
  for (const socket of sockets) socket.destroy();
  assert.ok(!attached.socket.destroyed);
  await waitFor(async () => Boolean((await call(box, 'daemon.hello', {})).result), 30_000, 'hello');
  attached.socket.destroy();
});

test('session.hook: a malformed event is logged and changes nothing; an oversized excerpt is refused', async () => {
  const { box, id } = await started();
  // Even with an event beside it, a call that says it is malformed is only logged.
  const event = { hook_event_name: 'Stop' };
  const said = (await call(box, 'session.hook', { session: id, source: 'claude', event, malformed: 'oops' })) as {
    result?: unknown;
  };
  assert.deepEqual(said.result, {});
  const huge = (await call(box, 'session.hook', {
    session: id,
    source: 'claude',
    event: {},
    malformed: 'x'.repeat(201),
  })) as { error?: { message: string } };
  assert.match(huge.error?.message ?? '', /malformed/);
  const info = (await call(box, 'session.get', { session: id })) as { result: { state: string } };
  assert.notEqual(info.result.state, 'idle');
});
