// codex (notify, rollout ids, valid restart args) and gemini (hooks, resume id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sandboxes, waitFor, FIXTURE_BIN } from '../helpers/kojo.js';
import { lines, info, subscribe, statesOf, waitForState, newSession, typeInto } from '../helpers/agents.js';

const box = sandboxes({ path: [FIXTURE_BIN] });

test('codex: notify makes it idle, its rollout names the conversation; `new codex -- resume <id>` restarts validly', async () => {
  const b = await box();
  const codexHome = path.join(b.dir, 'codex-home');
  const argvLog = path.join(b.dir, 'argv.log');
  const env = { CODEX_HOME: codexHome, FIXTURE_ARGV_LOG: argvLog };
  const { close } = await subscribe(b);
  const first = await newSession(b, ['codex'], env);
  await typeInto(b, first, 'hello\r', 'done: hello');
  // notify says idle (the screen may have said so first: the source changes to hook).
  await waitFor(
    async () => {
      const now = await info(b, first);
      return now.state === 'idle' && now.stateSource === 'hook';
    },
    60_000,
    'notify',
  );
  const conversation = (await info(b, first)).toolSessionId!;
  assert.match(conversation, /^[0-9a-f-]{36}$/);
  await b.run(['stop', first]);

  const second = await newSession(b, ['codex', '--', 'resume', conversation], env);
  await waitFor(() => lines(argvLog).length === 2, 10_000, 'second start');
  await b.run(['stop', second]);
  assert.equal((await b.run(['restart', second])).exitCode, 0, 'restart');
  await waitFor(() => lines(argvLog).length === 3, 10_000, 'restart');
  const argv = (JSON.parse(lines(argvLog)[2]!) as { argv: string[] }).argv;
  assert.deepEqual(argv.slice(2), ['resume', conversation]);
  assert.equal((await info(b, second)).status, 'running');
  close();
});

test('gemini: hooks drive its state and name the conversation restart resumes', async () => {
  const b = await box();
  const argvLog = path.join(b.dir, 'argv.log');
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['gemini'], { FIXTURE_ARGV_LOG: argvLog });
  await waitForState(events, id, 'idle');
  const conversation = (await info(b, id)).toolSessionId!;
  assert.match(conversation, /^[0-9a-f-]{36}$/);
  await typeInto(b, id, 'hello\r', 'done: hello');
  await waitForState(events, id, 'idle', 2);
  assert.deepEqual(statesOf(events, id), ['idle', 'working', 'idle']);
  assert.ok(events.filter((e) => e.id === id).every((e) => e.stateSource === 'hook'));
  await b.run(['stop', id]);
  assert.equal((await b.run(['restart', id])).exitCode, 0);
  await waitFor(() => lines(argvLog).length === 2, 10_000, 'restart');
  assert.deepEqual((JSON.parse(lines(argvLog)[1]!) as { argv: string[] }).argv, ['--resume', conversation]);
  close();
});
