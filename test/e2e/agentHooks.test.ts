// Agent state from claude's hooks (SPEC §10): every transition, events,
// attention and notify-command, yolo through PermissionRequest, the deny rule, /clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, FIXTURE_BIN, KOJO_BIN } from '../helpers/kojo.js';
import { lines, info, subscribe, statesOf, waitForState, newSession, typeInto } from '../helpers/agents.js';
import type { YoloResult } from '../../src/shared/protocol/requests.js';
import type { StateEvent } from '../../src/shared/protocol/session.js';

const box = sandboxes({ path: [FIXTURE_BIN] });

test('claude: every state from its hooks; attention, ls marker, notify-command once per transition', async () => {
  const b = await box();
  const notified = path.join(b.dir, 'notified.log');
  await b.run([
    'config',
    'set',
    'notify-command',
    `echo "$KOJO_SESSION_ID $KOJO_STATE $KOJO_SESSION_NAME" >> ${notified}`,
  ]);
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['claude', '--name', 'api']);
  await waitForState(events, id, 'idle'); // SessionStart
  const atStart = await info(b, id);
  assert.equal(atStart.stateSource, 'hook');
  assert.equal(atStart.attention, false);

  await typeInto(b, id, 'run npm test\r');
  await waitForState(events, id, 'asking'); // PermissionRequest, nobody attached
  const asking = await info(b, id);
  assert.equal(asking.state, 'asking');
  assert.equal(asking.attention, true);
  assert.match((await b.run(['ls'])).stdout, /api\s+claude\s+running\s+!asking \d+s/);
  await waitFor(() => lines(notified).length >= 1, 10_000, 'notify-command');
  assert.equal(lines(notified)[0], `${id} asking api`);

  // Attaching clears attention; answering runs the tool, then Stop: idle, seen at the terminal.
  const term = b.attachPty(['attach', id]);
  await waitFor(async () => (await info(b, id)).attention === false, 10_000, 'attention cleared');
  term.write('1');
  await term.waitForText('done: run npm test');
  await waitForState(events, id, 'idle', 2);
  term.write('\x1c');
  await term.waitForExit();

  await b.run(['stop', id]);
  await waitForState(events, id, 'exited');
  assert.deepEqual(statesOf(events, id), ['idle', 'working', 'asking', 'working', 'idle', 'exited']);
  const calls = events.filter((e) => e.id === id && e.attention).length;
  assert.equal(calls, 1);
  assert.equal(lines(notified).length, calls);
  close();
});

test('kojo events --json streams state changes of every session', async () => {
  const b = await box();
  const id = await newSession(b, ['claude']);
  const stream = execa(KOJO_BIN, ['events', '--json'], { env: b.env, extendEnv: false, reject: false });
  let seen = '';
  stream.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString('utf8')));
  // Prompts until the stream (subscribed at some point) shows one turn.
  for (let i = 0; !seen.includes('"state":"working"'); i++) {
    await typeInto(b, id, `hello ${i}\r`, `done: hello ${i}`);
    await waitFor(() => seen.includes('"state":"idle"'), 10_000, 'an idle event').catch(() => undefined);
  }
  const first = JSON.parse(seen.split('\n').find((l) => l.includes('"working"'))!) as StateEvent;
  assert.equal(first.id, id);
  assert.equal(first.tool, 'claude');
  assert.equal(first.stateSource, 'hook');
  assert.ok(!Number.isNaN(Date.parse(first.stateSince)));
  stream.kill('SIGINT');
  assert.equal((await stream).exitCode, 130);
});

test('yolo approves through the PermissionRequest hook, with an audit entry, and no keypress', async () => {
  const b = await box();
  const inputLog = path.join(b.dir, 'input.log');
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['claude', '--yolo'], { FIXTURE_INPUT_LOG: inputLog });
  await waitForState(events, id, 'idle');
  await typeInto(b, id, 'run npm test\r', 'done: run npm test');
  const result = JSON.parse((await b.run(['yolo', id, '--json'])).stdout) as YoloResult;
  assert.equal(result.approvals.length, 1);
  const [approval] = result.approvals;
  assert.equal(approval!.via, 'hook');
  assert.equal(approval!.tool, 'Bash');
  assert.equal(approval!.input, 'npm test');
  assert.ok(!Number.isNaN(Date.parse(approval!.time)));
  // No dialog drawn, nothing typed but the prompt.
  assert.deepEqual(
    lines(inputLog)
      .map((l) => JSON.parse(l) as string)
      .join(''),
    'run npm test\r',
  );
  assert.ok(!statesOf(events, id).includes('asking'));
  const watch = await b.run(['yolo', id]);
  assert.equal(watch.stdout, 'on (1 approval)');
  close();
});

test('the deny rule leaves the session asking, with no approval', async () => {
  const b = await box();
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['claude', '--yolo']);
  await waitForState(events, id, 'idle');
  await typeInto(b, id, 'run rm -rf build\r', 'Do you want to proceed?');
  await waitForState(events, id, 'asking');
  const asked = events.find((e) => e.id === id && e.state === 'asking')!;
  assert.match(asked.message!, /yolo-deny.*rm -rf build/);
  assert.equal((JSON.parse((await b.run(['yolo', id, '--json'])).stdout) as YoloResult).approvals.length, 0);
  // A rule of the user's own.
  assert.equal((await b.run(['config', 'set', 'yolo-deny', 'deploy'])).exitCode, 0);
  const bad = await b.run(['config', 'set', 'yolo-deny', '(']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /^kojo: yolo-deny must be a regular expression/);
  const other = await newSession(b, ['claude', '--yolo']);
  await waitForState(events, other, 'idle');
  await typeInto(b, other, 'run ./deploy.sh\r', 'Do you want to proceed?');
  await waitForState(events, other, 'asking');
  close();
});

test('/clear: a second SessionStart with a new id is the conversation restart resumes', async () => {
  const b = await box();
  const argvLog = path.join(b.dir, 'argv.log');
  const id = await newSession(b, ['claude'], { FIXTURE_ARGV_LOG: argvLog });
  const first = (await info(b, id)).toolSessionId!;
  await typeInto(b, id, '/clear\r');
  await waitFor(async () => (await info(b, id)).toolSessionId !== first, 10_000, 'a new conversation id');
  const second = (await info(b, id)).toolSessionId!;
  assert.match(second, /^[0-9a-f-]{36}$/);
  await b.run(['stop', id]);
  assert.equal((await b.run(['restart', id])).exitCode, 0);
  await waitFor(() => lines(argvLog).length === 2, 10_000, 'restart');
  const argv = (JSON.parse(lines(argvLog)[1]!) as { argv: string[] }).argv;
  assert.equal(argv[argv.indexOf('--resume') + 1], second);
});
