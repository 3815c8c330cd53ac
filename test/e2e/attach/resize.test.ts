// Two terminals of different sizes: when the size changes under one, it is
// redrawn from the emulated screen, with nothing left outside the session's area.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xtermHeadless from '@xterm/headless';
import { sandboxes, waitFor, type PtyClient } from '../../helpers/kojo.js';

const { Terminal } = xtermHeadless;
const box = sandboxes();

// Fills its whole area with one letter per redraw, without clearing first
// (as a shell's line editor redraws): a larger terminal keeps what lies outside.
const FILLER = `
let n = 0;
const draw = () => {
  const letter = 'abcdefghij'[n++ % 10];
  let frame = '';
  for (let r = 1; r <= process.stdout.rows; r++) frame += '\\x1b[' + r + ';1H' + letter.repeat(process.stdout.columns);
  process.stdout.write(frame + '\\x1b[1;1H');
};
draw();
process.on('SIGWINCH', draw);
setInterval(() => undefined, 1 << 30);
`;

async function screenOf(client: PtyClient, cols: number, rows: number): Promise<string[]> {
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(client.output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = buffer.baseY; i < buffer.baseY + rows; i++) lines.push(buffer.getLine(i)!.translateToString(true));
  term.dispose();
  return lines;
}

test('after a smaller terminal attaches, the larger one is redrawn at the new size with no leftovers', async () => {
  const b = await box();
  const r = await b.run(['new', 'exec', '--direct', '--', process.execPath, '-e', FILLER]);
  assert.equal(r.exitCode, 0, r.stderr);
  const id = r.stdout.trim();
  const large = b.attachPty(['attach', '-q', id], { cols: 120, rows: 40 });
  await waitFor(async () => (await screenOf(large, 120, 40))[39]!.length === 120, 10_000, 'the large frame');
  const small = b.attachPty(['attach', '-q', id], { cols: 72, rows: 22 });
  const expected = (lines: string[]): boolean =>
    lines.every((line, row) => (row < 22 ? /^([a-j])\1{71}$/.test(line) : line === ''));
  let seen: string[] = [];
  await waitFor(
    async () => expected((seen = await screenOf(large, 120, 40))),
    10_000,
    () => `the large terminal redrawn at 72x22 (rows 21-24: ${JSON.stringify(seen.slice(20, 24))})`,
  );
  const screen = await screenOf(large, 120, 40);
  assert.ok(expected(screen));
  small.kill();
  large.kill();
});
