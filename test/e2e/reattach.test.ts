// Exact reattach: the emulated screen, its modes, redraw, resync of a stopped
// attacher, read-only attach, and the seam between replay and live output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import xtermHeadless from '@xterm/headless';
import { sandboxes, waitFor, ROOT, decModes, type Sandbox, type PtyClient, WAIT_FOR_GO } from '../helpers/kojo.js';

const { Terminal } = xtermHeadless;
const TUI = path.join(ROOT, 'test/fixtures/tui.mjs');

const box = sandboxes();

/** What the user's terminal shows: the attacher's output through an emulator. */
async function screenOf(client: PtyClient, cols = 80, rows = 24, scrollback = 2000) {
  const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(client.output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)!.translateToString(true));
  const screen = lines.slice(buffer.baseY, buffer.baseY + rows);
  return { term, lines, screen, alternate: buffer.type === 'alternate' };
}

async function newSession(b: Sandbox, args: string[]): Promise<string> {
  const r = await b.run(['new', 'exec', '--', ...args]);
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

test('a new attacher gets the screen and the modes set before the last 2 MB', async () => {
  const b = await box();
  const id = await newSession(b, [process.execPath, TUI, 'modes']);
  await waitFor(() => fs.existsSync(path.join(b.dir, 'ready')), 20_000, 'fixture output');
  const client = b.attachPty(['attach', id]);
  await client.waitForText('READY');
  const { term, screen } = await screenOf(client);
  assert.equal(term.modes.bracketedPasteMode, true, 'bracketed paste');
  assert.equal(term.modes.applicationCursorKeysMode, true, 'application cursor keys');
  assert.match(decModes(client.output), /\?25l/, 'hidden cursor');
  assert.equal(screen[23], 'READY');
  assert.equal(screen[22], `line 029999 ${'.'.repeat(60)}`);
  assert.equal(screen[0], `line 029977 ${'.'.repeat(60)}`);
  // A paste as the terminal would send it, in brackets, reaches the program as is.
  client.write('\x1b[200~pasted\x1b[201~');
  await client.waitForText(`got:${Buffer.from('\x1b[200~pasted\x1b[201~').toString('hex')}`);
  client.write('\x1c');
  assert.equal(await client.waitForExit(), 0);
  // Leaving restored the user's terminal: the modes are off again.
  const after = await screenOf(client);
  assert.equal(after.term.modes.bracketedPasteMode, false);
  assert.equal(after.term.modes.applicationCursorKeysMode, false);
});

test('a full-screen program is shown on reattach, redrawn at an unchanged size, and leaving it restores the main screen', async () => {
  const b = await box();
  const id = await newSession(b, [process.execPath, TUI, 'fullscreen']);
  await waitFor(() => fs.existsSync(path.join(b.dir, 'redraws')), 10_000, 'first draw');
  assert.equal(fs.readFileSync(path.join(b.dir, 'redraws'), 'utf8'), '1');
  const client = b.attachPty(['attach', id], { cols: 80, rows: 24 });
  await client.waitForText('FULLSCREEN');
  // Same size as the session: the program is still made to redraw.
  await waitFor(() => Number(fs.readFileSync(path.join(b.dir, 'redraws'), 'utf8')) >= 2, 10_000, 'redraw');
  await client.waitForText(/redraws=[2-9]/);
  await waitFor(async () => (await screenOf(client)).screen[1]!.includes('size=80x24 redraws='), 10_000, 'final frame');
  const full = await screenOf(client);
  assert.equal(full.alternate, true);
  // The modes xterm's serializer leaves out: hidden cursor, SGR mouse reports.
  const modes = decModes(client.output);
  for (const mode of ['?25l', '?1000h', '?1006h'])
    assert.ok(modes.includes(mode), `${mode} in ${JSON.stringify(modes)}`);
  assert.match(full.screen[0]!, /^\+-+\+$/);
  assert.match(full.screen[23]!, /^\+-+\+$/);
  client.write('q');
  await waitFor(() => fs.existsSync(path.join(b.dir, 'left')), 10_000, 'leave fullscreen');
  await client.waitForText('left fullscreen');
  const main = await screenOf(client);
  assert.equal(main.alternate, false);
  assert.ok(main.lines.includes('main screen text before fullscreen'), main.lines.join('\n'));
  assert.ok(main.lines.includes('left fullscreen'));
  client.write('\x1c');
  assert.equal(await client.waitForExit(), 0);
  // The user's terminal is given its cursor and plain mouse back.
  const restored = decModes(client.output);
  for (const mode of ['?25h', '?1000l', '?1006l'])
    assert.ok(restored.includes(mode), `${mode} in ${JSON.stringify(restored)}`);
});

test('three attachers of different sizes: the latest resize wins and each is redrawn at it', async () => {
  const b = await box();
  const id = await newSession(b, [process.execPath, TUI, 'fullscreen']);
  await waitFor(() => fs.existsSync(path.join(b.dir, 'redraws')), 10_000, 'first draw');
  const sizes = [
    { cols: 90, rows: 30 },
    { cols: 60, rows: 20 },
    { cols: 100, rows: 26 },
  ];
  const clients: PtyClient[] = [];
  for (const size of sizes) {
    const client = b.attachPty(['attach', id], size);
    await client.waitForText(`size=${size.cols}x${size.rows}`);
    clients.push(client);
  }
  // Everyone saw the last frame, drawn for 100x26.
  for (const client of clients) await client.waitForText('size=100x26');
  for (const client of clients) client.write('\x1c');
  for (const client of clients) assert.equal(await client.waitForExit(), 0);
});

test('a stopped attacher is resynchronised after 100 MB, and the daemon stays bounded meanwhile', async () => {
  const b = await box();
  const script =
    `${WAIT_FOR_GO}; ` +
    `yes "$(printf 'x%.0s' $(seq 1 99))" | head -c 104857600; echo; echo ALL-DONE; touch done; sleep 600`;
  const id = await newSession(b, ['bash', '-c', script]);
  const client = b.attachPty(['attach', id]);
  await waitFor(
    async () => {
      const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ attached: number }>;
      return list[0]!.attached === 1;
    },
    10_000,
    'attach',
  );
  const daemon = (await b.daemonPid())!;
  const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${daemon}/status`, 'utf8'))![1]) * 1024;
  const before = rss();
  process.kill(client.pid, 'SIGSTOP');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  let peak = before;
  await waitFor(
    () => {
      peak = Math.max(peak, rss());
      return fs.existsSync(path.join(b.dir, 'done'));
    },
    120_000,
    '100 MB stream',
  );
  process.kill(client.pid, 'SIGCONT');
  await client.waitForText('ALL-DONE', 60_000);
  await waitFor(async () => (await screenOf(client)).screen.some((l) => l === 'ALL-DONE'), 30_000, 'resynced screen');
  const { screen } = await screenOf(client);
  const done = screen.indexOf('ALL-DONE');
  assert.ok(done > 0);
  // Above the last line: the stream's lines, wrapped at 80 columns, not garbage.
  assert.match(screen[done - 2]!, /^x+$/);
  const growth = peak - before;
  assert.ok(growth < 150 * 1024 * 1024, `daemon RSS grew by ${Math.round(growth / 1048576)} MB`);
  client.write('\x1c');
  assert.equal(await client.waitForExit(), 0);
});

test('a read-only attacher watches; its keys never reach the program', async () => {
  const b = await box();
  const id = await newSession(b, ['bash', '-c', 'stty -echo; while read -r l; do echo "got:$l"; done']);
  const watcher = b.attachPty(['attach', '--read-only', id]);
  const typist = b.attachPty(['attach', id]);
  await waitFor(
    async () => {
      const list = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ attached: number }>;
      return list[0]!.attached === 2;
    },
    10_000,
    'two attachers',
  );
  watcher.write('secret\r');
  typist.write('visible\r');
  await watcher.waitForText('got:visible');
  await typist.waitForText('got:visible');
  assert.ok(!watcher.text.includes('got:secret') && !typist.text.includes('got:secret'));
  watcher.write('\x1c');
  assert.equal(await watcher.waitForExit(), 0);
  typist.write('\x1c');
  assert.equal(await typist.waitForExit(), 0);
});

test('the seam between replay and live output has no gap and no duplicate', async () => {
  const b = await box();
  const id = await newSession(b, [process.execPath, TUI, 'counter']);
  // Attach mid-stream, with hundreds of lines already out.
  await waitFor(() => fs.existsSync(path.join(b.dir, 'counted')), 10_000, 'counter running');
  const client = b.attachPty(['attach', id], { cols: 80, rows: 24 });
  await client.waitForText(/\n\d+\r\n/);
  const start = client.output.length;
  await waitFor(() => client.output.length > start + 20_000, 20_000, 'live output');
  client.write('\x1c');
  await client.waitForExit();
  const { lines } = await screenOf(client, 80, 24, 100_000);
  const numbers = lines
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  assert.ok(numbers.length > 2000, `saw ${numbers.length} numbers`);
  for (let i = 1; i < numbers.length; i++) {
    assert.equal(numbers[i], numbers[i - 1]! + 1, `line ${i}: ${numbers[i - 1]} then ${numbers[i]}`);
  }
});
