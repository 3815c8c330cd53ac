// `kojo top` in a real PTY, its screen read back through a headless terminal
// (what a person would see), driven by keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import { sandboxes, waitFor, ROOT, type PtyClient, type Sandbox } from '../helpers/kojo.js';

const box = sandboxes();

/** The terminal a person would be looking at, fed from a PTY's output. */
class Screen {
  private readonly term: xterm.Terminal;
  private fed = 0;

  constructor(
    private readonly pty: PtyClient,
    cols: number,
    rows: number,
  ) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  }

  private async sync(): Promise<void> {
    const fresh = this.pty.output.subarray(this.fed);
    this.fed = this.pty.output.length;
    if (fresh.length) await new Promise<void>((resolve) => this.term.write(fresh, resolve));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.pty.resize(cols, rows);
  }

  async lines(): Promise<string[]> {
    await this.sync();
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++)
      out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  async waitFor(check: (lines: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<string[]> {
    let last: string[] = [];
    await waitFor(
      async () => check((last = await this.lines())),
      timeoutMs,
      () => `${what}; screen:\n${last.join('\n')}`,
    );
    return last;
  }

  /** Index of the first list row naming `label`. */
  async rowOf(label: string): Promise<number> {
    return (await this.lines()).findIndex((l) => new RegExp(`^[ >!]{2}${label}\\b`).test(l));
  }
}

const WAIT_FOREVER = 'while :; do sleep 1; done';

async function newExec(b: Sandbox, name: string, script: string): Promise<string> {
  const result = await b.run(['new', 'exec', '--name', name, '--', 'sh', '-c', script]);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout.trim();
}

function startTop(b: Sandbox, cols = 100, rows = 30): { pty: PtyClient; screen: Screen } {
  const pty = b.attachPty(['top'], { cols, rows });
  return { pty, screen: new Screen(pty, cols, rows) };
}

test('top lists sessions with their states; a session that starts asking moves to the top', async () => {
  const b = await box();
  await newExec(b, 'alpha', `echo alpha-ready; ${WAIT_FOREVER}`);
  // A real approval menu, drawn when the test says so.
  const menu = path.join(ROOT, 'test/fixtures/prompts/claude-bash.txt');
  await newExec(b, 'beta', `while [ ! -e go ]; do sleep 0.05; done; cat '${menu}'; ${WAIT_FOREVER}`);
  const { pty, screen } = startTop(b);
  await screen.waitFor((l) => l.some((x) => x.includes('alpha')) && l.some((x) => x.includes('beta')), 'both sessions');
  assert.ok((await screen.rowOf('alpha')) < (await screen.rowOf('beta')), 'oldest first while nothing needs attention');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  const lines = await screen.waitFor((l) => /beta\s+exec\s+asking/.test(l.join('\n')), 'beta asking');
  assert.ok((await screen.rowOf('beta')) < (await screen.rowOf('alpha')), `asking first:\n${lines.join('\n')}`);
  assert.match(lines.join('\n'), /attention/);
  pty.write('q');
  assert.equal(await pty.waitForExit(), 0);
});

test('enter attaches, typed input reaches the program, the detach key returns to the list', async () => {
  const b = await box();
  await newExec(b, 'echoer', 'echo echo-ready; while read -r line; do echo "got:$line"; done');
  const { pty, screen } = startTop(b);
  await screen.waitFor((l) => l.some((x) => x.includes('echo-ready')), 'the preview of echoer');
  pty.write('\r');
  await screen.waitFor(
    (l) => !l.some((x) => x.includes('kojo top')) && l.some((x) => x.includes('echo-ready')),
    'the attached session',
  );
  pty.write('hello top\r');
  await screen.waitFor((l) => l.some((x) => x.includes('got:hello top')), 'the program echoing');
  pty.write('\x1c');
  await screen.waitFor((l) => l.some((x) => x.includes('kojo top')), 'back at the list');
  pty.write('q');
  assert.equal(await pty.waitForExit(), 0);
});

test('s stops after a confirmation; / filters the list', async () => {
  const b = await box();
  const id = await newExec(b, 'victim', WAIT_FOREVER);
  await newExec(b, 'bystander', WAIT_FOREVER);
  const { pty, screen } = startTop(b);
  await screen.waitFor((l) => l.some((x) => x.includes('bystander')), 'the list');
  pty.write('/');
  await screen.waitFor((l) => l.some((x) => x.includes('filter: ')), 'the filter prompt');
  pty.write('vic');
  await screen.waitFor(
    (l) => !l.some((x) => x.includes('bystander')) && l.some((x) => x.includes('victim')),
    'filtered',
  );
  pty.write('\r'); // ends typing the filter; it stays applied
  await screen.waitFor((l) => l.some((x) => x.startsWith('filter: vic') && !x.includes('█')), 'the filter applied');
  pty.write('s');
  await screen.waitFor((l) => l.some((x) => x.includes('stop victim? (y/n)')), 'the confirmation');
  pty.write('n');
  await screen.waitFor((l) => !l.some((x) => x.includes('stop victim?')), 'the confirmation gone');
  let info = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; status: string }>;
  assert.equal(info.find((s) => s.id === id)?.status, 'running', 'n keeps it running');
  pty.write('s');
  await screen.waitFor((l) => l.some((x) => x.includes('stop victim? (y/n)')), 'the confirmation again');
  pty.write('y');
  await screen.waitFor((l) => l.some((x) => /victim\s+exec\s+exited/.test(x)), 'victim exited');
  info = JSON.parse((await b.run(['ls', '--json'])).stdout) as Array<{ id: string; status: string }>;
  assert.equal(info.find((s) => s.id === id)?.status, 'exited');
  pty.write('q');
  assert.equal(await pty.waitForExit(), 0);
});

test('q restores the terminal exactly; a resize redraws the layout', async () => {
  const b = await box();
  await newExec(b, 'resizer', WAIT_FOREVER);
  const pty = b.shellPty('stty -g > before; "$KOJO" top; echo "status=$?"; stty -g > after', { cols: 100, rows: 30 });
  const screen = new Screen(pty, 100, 30);
  await screen.waitFor((l) => l.some((x) => x.includes('resizer')), 'the list');
  screen.resize(60, 20);
  await screen.waitFor(
    // The footer sits on the new last line but one: the layout follows the terminal's height.
    (l) => l.findIndex((x) => x.includes('enter attach')) === 18 && l.some((x) => x.includes('resizer')),
    'the layout at 60×20',
  );
  pty.write('q');
  await pty.waitForText('status=0');
  await pty.waitForExit();
  const read = (name: string): string => fs.readFileSync(path.join(b.dir, name), 'utf8').trim();
  assert.equal(read('after'), read('before'), 'stty -g equal before and after');
});

test('a daemon killed under top: a message, the terminal restored, status 1', async () => {
  const b = await box();
  await newExec(b, 'doomed', WAIT_FOREVER);
  const pty = b.shellPty('stty -g > before; "$KOJO" top; echo "status=$?"; stty -g > after', { cols: 100, rows: 30 });
  const screen = new Screen(pty, 100, 30);
  await screen.waitFor((l) => l.some((x) => x.includes('doomed')), 'the list');
  const pid = await b.daemonPid();
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await pty.waitForText('status=1');
  await pty.waitForExit();
  assert.match(pty.text, /kojo: lost connection to the kojo daemon/);
  const read = (name: string): string => fs.readFileSync(path.join(b.dir, name), 'utf8').trim();
  assert.equal(read('after'), read('before'), 'stty -g equal before and after');
});
