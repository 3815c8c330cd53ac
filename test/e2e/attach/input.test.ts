// What reaches a session through an attach: nothing after a Detach frame,
// piped input as bytes (EOF detaches only when asked), and no attach of a
// session from inside itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { encodeDetach, encodeInput } from '../../../src/shared/attachStream.js';
import { sandboxes, waitFor, connect, KOJO_BIN, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes();
const LINES = 'while read -r l; do echo "got:$l"; [ "$l" = mark ] && touch marked; done';

async function newDirect(b: Sandbox, script: string): Promise<string> {
  const r = await b.run(['new', 'exec', '--direct', '--', 'bash', '-c', script]);
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

/** Everything the session printed so far (a raw attach replays the record, then ends on detach). */
async function recorded(b: Sandbox, id: string): Promise<string> {
  const r = await b.run(['attach', '--detach-on-eof', id], { input: '' });
  return r.stdout;
}

test('input in the same packet after a Detach frame is not executed (daemon, raw socket)', async () => {
  const b = await box();
  const id = await newDirect(
    b,
    'while read -r l; do [ "$l" = evil ] && touch evil; [ "$l" = mark ] && touch marked; done',
  );
  const socket = (await connect(path.join(b.home, 'run/kojo.sock')))!;
  const request = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'session.attach',
    params: { session: id, cols: 80, rows: 24 },
  });
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.on('data', () => undefined);
  socket.write(Buffer.concat([Buffer.from(request + '\n'), encodeDetach(), encodeInput(Buffer.from('evil\r'))]));
  await closed;
  // Input sent afterwards arrives: so had the frame after Detach been taken, it would have too.
  const later = execa(KOJO_BIN, ['attach', '--detach-on-eof', id], {
    env: b.env,
    extendEnv: false,
    cwd: b.dir,
    input: 'mark\n',
    reject: false,
  });
  await waitFor(() => fs.existsSync(path.join(b.dir, 'marked')), 10_000, 'the later input');
  await later;
  assert.equal(fs.existsSync(path.join(b.dir, 'evil')), false, 'the input after Detach ran');
});

test('attach --detach-on-eof < file types the file, then detaches at EOF', async () => {
  const b = await box();
  const id = await newDirect(b, LINES);
  const result = await b.run(['attach', '--detach-on-eof', id], { input: 'one\nmark\n' });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stderr.trim(), `[detached from ${id}]`);
  await waitFor(() => fs.existsSync(path.join(b.dir, 'marked')), 10_000, 'the input to arrive');
  await waitFor(async () => /got:one\r\ngot:mark/.test(await recorded(b, id)), 10_000, 'both lines, in order');
});

test('attaching a session from inside itself is refused with a clear message', async () => {
  const b = await box();
  const id = await newDirect(b, LINES);
  const inside = await b.run(['attach', id], { env: { KOJO_SESSION_ID: id } });
  assert.equal(inside.exitCode, 1);
  assert.equal(inside.stderr, `kojo: cannot attach ${id} from inside itself (this terminal is in it)`);
  // From inside another session it is an ordinary attach.
  const other = await b.run(['attach', '--detach-on-eof', id], { env: { KOJO_SESSION_ID: 's_0000000000000000' } });
  assert.equal(other.exitCode, 0, other.stderr);
});
