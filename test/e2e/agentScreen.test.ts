// Agent state from the screen (exec, silent hooks), the screen yolo path on
// ordinary text, and `kojo hook` that never hurts the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, FIXTURE_BIN, KOJO_BIN } from '../helpers/kojo.js';
import { lines, info, subscribe, statesOf, waitForState, newSession, typeInto } from '../helpers/agents.js';
import type { YoloResult } from '../../src/shared/protocol/requests.js';

const box = sandboxes({ path: [FIXTURE_BIN] });

test('a numbered list in ordinary output is never approved by the screen path', async () => {
  const b = await box();
  const inputLog = path.join(b.dir, 'input.log');
  const id = await newSession(b, ['codex', '--yolo'], { FIXTURE_INPUT_LOG: inputLog, CODEX_HOME: b.dir });
  await typeInto(b, id, 'tea\r', 'done: tea');
  // Whatever yolo would do, it would do on this output: let the session go idle after it.
  await waitFor(async () => (await info(b, id)).state === 'idle', 20_000, 'idle after the turn');
  assert.equal((JSON.parse((await b.run(['yolo', id, '--json'])).stdout) as YoloResult).approvals.length, 0);
  assert.deepEqual(
    lines(inputLog)
      .map((l) => JSON.parse(l) as string)
      .join(''),
    'tea\r',
  );
});

test('exec: state from the screen — output working, quiet idle, a menu asking', async () => {
  const b = await box();
  assert.equal((await b.run(['config', 'set', 'idle-after', '0.3'])).exitCode, 0);
  const { events, close } = await subscribe(b);
  const script = [
    'echo start',
    'while [ ! -e go ]; do sleep 0.05; done',
    'printf "Do you want to proceed?\\n\\342\\235\\257 1. Yes\\n  2. No\\n"',
    'read answer',
    'echo "after $answer"',
    'while [ ! -e end ]; do sleep 0.05; done',
  ].join('; ');
  const id = await newSession(b, ['exec', '--', 'sh', '-c', script]);
  await waitForState(events, id, 'working');
  await waitFor(() => statesOf(events, id).at(-1) === 'idle', 20_000, 'idle after the first output');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  await waitForState(events, id, 'asking');
  await typeInto(b, id, 'y\r', 'after y');
  await waitFor(() => statesOf(events, id).at(-1) === 'idle', 20_000, 'idle after the answer');
  // A start slower than idle-after is idle before its first output (a silent program is idle): not counted.
  const states = statesOf(events, id).filter((state, i) => !(i === 0 && state === 'idle'));
  assert.deepEqual(states.slice(0, 3), ['working', 'idle', 'asking']);
  assert.deepEqual(states.slice(-2), ['working', 'idle']);
  assert.ok(events.filter((e) => e.id === id).every((e) => e.stateSource === 'screen'));
  fs.writeFileSync(path.join(b.dir, 'end'), '');
  close();
});

test('exec: a menu that is no longer on the screen is not asking (the emulated screen, not the raw tail)', async () => {
  const b = await box();
  assert.equal((await b.run(['config', 'set', 'idle-after', '0.3'])).exitCode, 0);
  const { events, close } = await subscribe(b);
  // The menu is drawn and wiped in one burst: the raw output holds it, the screen does not.
  const script = [
    'while [ ! -e go ]; do sleep 0.05; done',
    'printf "Do you want to proceed?\\n\\342\\235\\257 1. Yes\\n  2. No\\n\\033[2J\\033[Hmoved on\\n"',
    'while [ ! -e end ]; do sleep 0.05; done',
  ].join('; ');
  const id = await newSession(b, ['exec', '--', 'sh', '-c', script]);
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  await waitFor(async () => (await b.run(['capture', id])).stdout.includes('moved on'), 10_000, 'the wiped menu');
  await waitForState(events, id, 'idle');
  assert.ok(!statesOf(events, id).includes('asking'), `states: ${statesOf(events, id).join(', ')}`);
  fs.writeFileSync(path.join(b.dir, 'end'), '');
  close();
});

test('exec: a program that prints nothing is idle after the quiet spell, not starting for ever', async () => {
  const b = await box();
  assert.equal((await b.run(['config', 'set', 'idle-after', '0.3'])).exitCode, 0);
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['exec', '--', 'sleep', '600']);
  await waitForState(events, id, 'idle');
  assert.equal((await info(b, id)).stateSource, 'screen');
  close();
});

test('an agent with hooks that never calls them is watched by its screen, and says so', async () => {
  const b = await box();
  await b.run(['config', 'set', 'idle-after', '0.3']);
  const { events, close } = await subscribe(b);
  const id = await newSession(b, ['claude'], { FIXTURE_NO_HOOKS: '1' });
  await waitForState(events, id, 'idle');
  const seen = await info(b, id);
  assert.equal(seen.stateSource, 'screen');
  close();
});

test('kojo hook never hurts the agent: no daemon, a silent daemon, bad JSON, unknown sessions', async () => {
  const b = await box();
  const event = JSON.stringify({ hook_event_name: 'PermissionRequest', session_id: 'x', tool_name: 'Bash' });
  const env = { ...b.env, KOJO_SESSION_ID: 's_00000000000000aa' };
  const run = (args: string[], input: string) =>
    execa(process.execPath, [KOJO_BIN, 'hook', ...args], {
      env,
      extendEnv: false,
      input,
      reject: false,
      timeout: 20_000,
    });
  const none = await run(['claude', '--socket', path.join(b.dir, 'no.sock')], event);
  assert.equal(none.exitCode, 0);
  assert.equal(none.stdout, '');
  // A daemon that accepts and never answers: the call still ends (bounded), exit 0.
  const silentPath = path.join(b.dir, 'silent.sock');
  const silent = net.createServer(() => undefined).listen(silentPath);
  const slow = await run(['claude', '--socket', silentPath], event);
  assert.equal(slow.exitCode, 0);
  assert.equal(slow.stdout, '');
  assert.equal(slow.timedOut, false);
  silent.close();
  // A running daemon: bad JSON and an unknown session change nothing, print nothing.
  assert.equal((await b.run(['ls'])).exitCode, 0);
  const socket = path.join(b.home, 'run/kojo.sock');
  for (const input of ['not json', '[1,2]', event]) {
    const r = await run(['claude', '--socket', socket], input);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, '');
  }
  assert.match(
    fs.readFileSync(path.join(b.home, 'daemon.log'), 'utf8'),
    /hook from unknown session s_00000000000000aa/,
  );
  // Malformed JSON from a session that exists: logged by the daemon, the session unchanged.
  const id = await newSession(b, ['exec', '--', 'sleep', '600']);
  const bad = await execa(process.execPath, [KOJO_BIN, 'hook', 'claude', '--socket', socket], {
    env: { ...b.env, KOJO_SESSION_ID: id },
    extendEnv: false,
    input: '{"hook_event_name": "Stop", oops',
    reject: false,
  });
  assert.equal(bad.exitCode, 0);
  assert.equal(bad.stdout, '');
  await waitFor(
    () => fs.readFileSync(path.join(b.home, 'daemon.log'), 'utf8').includes(`malformed claude hook event from ${id}`),
    10_000,
    'the malformed event in the daemon log',
  );
  // Nothing was taken from it: the state still comes from the screen, not from hooks.
  assert.equal((await info(b, id)).stateSource, 'screen');
});
