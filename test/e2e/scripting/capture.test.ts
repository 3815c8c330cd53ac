// kojo capture: the emulated screen as text, as a terminal shows it after
// attaching; scrollback with -S; escapes with -e; the cursor in --json; the
// last screen of an exited session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xtermHeadless from '@xterm/headless';
import { sandboxes, waitFor } from '../../helpers/kojo.js';
import type { Capture } from '../../../src/shared/protocol/terminalIo.js';

const box = sandboxes();

const SCRIPT = [
  `printf '\\e[31mred\\e[0m plain\\r\\n'`,
  'for i in $(seq 1 40); do echo "row $i"; done',
  `printf 'progress 10%%\\rprogress 99%%'`,
  'sleep 600',
].join('; ');

/** What a terminal of this size shows after these bytes, as lines of text. */
async function screenOf(output: Buffer, cols: number, rows: number): Promise<string[]> {
  const term = new xtermHeadless.Terminal({ cols, rows, allowProposedApi: true, logLevel: 'off' });
  await new Promise<void>((resolve) => term.write(output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) lines.push(buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
  term.dispose();
  return lines;
}

function trimEnd(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

test('capture prints the screen a terminal shows after attaching; -S adds scrollback; -e keeps colours', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', SCRIPT])).stdout.trim();
  const term = b.attachPty(['attach', id]);
  await term.waitForText('progress 99%');
  const shown = trimEnd(await screenOf(term.output, 80, 24));
  term.write('\x1c');
  await term.waitForExit();

  const captured = await b.run(['capture', id]);
  assert.equal(captured.exitCode, 0, captured.stderr);
  // (execa drops the final newline)
  assert.deepEqual(captured.stdout.split('\n'), shown);
  assert.equal(shown.at(-1), 'progress 99%');
  assert.ok(!captured.stdout.includes('row 1\n'), 'the screen alone has no room for the first rows');

  const deep = (await b.run(['capture', id, '-S', '100'])).stdout.split('\n');
  assert.equal(deep[0], 'red plain');
  assert.ok(deep.includes('row 1') && deep.includes('row 40'));
  assert.deepEqual(deep.slice(-24), (await b.run(['capture', id])).stdout.split('\n'));

  const colored = (await b.run(['capture', id, '-e', '-S', '100'])).stdout;
  assert.ok(colored.startsWith('\x1b[0;31mred\x1b[0m plain\n'), JSON.stringify(colored.slice(0, 40)));
});

test('capture --json has the size, the cursor and the lines', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--', 'bash', '-c', SCRIPT])).stdout.trim();
  let capture: Capture | undefined;
  await waitFor(
    async () => {
      capture = JSON.parse((await b.run(['capture', id, '--json'])).stdout) as Capture;
      return capture.lines.includes('progress 99%');
    },
    15_000,
    'progress line',
  );
  assert.equal(capture!.cols, 80);
  assert.equal(capture!.rows, 24);
  assert.equal(capture!.lines.length, 24);
  assert.equal(capture!.lines[capture!.cursor.y], 'progress 99%');
  assert.equal(capture!.cursor.x, 'progress 99%'.length);
});

test('capture of an exited session shows its last screen', async () => {
  const b = await box();
  const id = (
    await b.run(['new', 'exec', '--', 'bash', '-c', `printf 'before\\e[2J\\e[Hlast screen\\r\\n'; exit 3`])
  ).stdout.trim();
  assert.equal((await b.run(['wait', id])).exitCode, 3);
  const captured = await b.run(['capture', id]);
  assert.equal(captured.exitCode, 0, captured.stderr);
  assert.equal(captured.stdout, 'last screen');
  const json = JSON.parse((await b.run(['capture', id, '--json'])).stdout) as Capture;
  assert.equal(json.lines.filter((l) => l !== '').join('|'), 'last screen');
});
