// Agent state (SPEC §10) through the built CLI and a real daemon, with the
// claude/codex/gemini stand-ins speaking their documented hook protocols:
// every transition, events, attention and notify-command, yolo through the
// PermissionRequest hook, the deny rule, /clear, codex rollouts, the screen
// fallback for exec and for an agent whose hooks stay silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, connect, FIXTURE_BIN, KOJO_BIN, type Sandbox } from '../helpers/kojo.js';
import type { SessionInfo, StateEvent, YoloResult } from '../../src/shared/protocol.js';

const box = sandboxes({ path: [FIXTURE_BIN] });

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function info(b: Sandbox, id: string): Promise<SessionInfo> {
  const list = JSON.parse((await b.run(['ls', '--json', '--all'])).stdout) as SessionInfo[];
  const found = list.find((s) => s.id === id);
  assert.ok(found, `${id} listed`);
  return found;
}

/** Every state event of the daemon, read from a raw subscription made before anything starts. */
async function subscribe(b: Sandbox): Promise<{ events: StateEvent[]; close(): void }> {
  assert.equal((await b.run(['ls'])).exitCode, 0); // the daemon is up
  const socket = (await connect(path.join(b.home, 'run/kojo.sock')))!;
  const events: StateEvent[] = [];
  let buffer = '';
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const message = JSON.parse(buffer.slice(0, nl)) as { method?: string; params?: StateEvent; id?: number };
      buffer = buffer.slice(nl + 1);
      if (message.method === 'events.state') events.push(message.params!);
      else if (message.id === 1) subscribed();
    }
  });
  socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: {} }) + '\n');
  await ready;
  return { events, close: () => socket.destroy() };
}

const statesOf = (events: StateEvent[], id: string): string[] => events.filter((e) => e.id === id).map((e) => e.state);

async function waitForState(events: StateEvent[], id: string, state: string, count = 1): Promise<void> {
  await waitFor(
    () => statesOf(events, id).filter((s) => s === state).length >= count,
    20_000,
    () => `${id} to be ${state} (seen ${statesOf(events, id).join(' → ')})`,
  );
}

async function newSession(b: Sandbox, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await b.run(['new', ...args], { env });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

/** Attach, type, detach (Ctrl-\): what a person at a terminal does. */
async function typeInto(b: Sandbox, id: string, text: string, waitText?: string): Promise<void> {
  const term = b.attachPty(['attach', id]);
  await term.waitForText(/ready|session id|\S/);
  term.write(text);
  if (waitText) await term.waitForText(waitText);
  term.write('\x1c');
  assert.equal(await term.waitForExit(), 0);
}

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
  assert.equal(watch.stdout, 'on (1 approvals)');
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
  assert.equal(bad.exitCode, 1);
  assert.match(bad.stderr, /^kojo: yolo-deny must be a regular expression/);
  const other = await newSession(b, ['claude', '--yolo']);
  await waitForState(events, other, 'idle');
  await typeInto(b, other, 'run ./deploy.sh\r', 'Do you want to proceed?');
  await waitForState(events, other, 'asking');
  close();
});

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
  await waitForState(events, id, 'idle');
  fs.writeFileSync(path.join(b.dir, 'go'), '');
  await waitForState(events, id, 'asking');
  await typeInto(b, id, 'y\r', 'after y');
  await waitForState(events, id, 'idle', 2);
  const states = statesOf(events, id);
  assert.deepEqual(states.slice(0, 3), ['working', 'idle', 'asking']);
  assert.deepEqual(states.slice(-2), ['working', 'idle']);
  assert.ok(events.filter((e) => e.id === id).every((e) => e.stateSource === 'screen'));
  fs.writeFileSync(path.join(b.dir, 'end'), '');
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
});

test('codex: notify makes it idle, its rollout names the conversation; `new codex -- resume <id>` restarts validly', async () => {
  const b = await box();
  const codexHome = path.join(b.dir, 'codex-home');
  const argvLog = path.join(b.dir, 'argv.log');
  const env = { CODEX_HOME: codexHome, FIXTURE_ARGV_LOG: argvLog };
  const { events, close } = await subscribe(b);
  const first = await newSession(b, ['codex'], env);
  await typeInto(b, first, 'hello\r', 'done: hello');
  await waitFor(
    () => events.some((e) => e.id === first && e.state === 'idle' && e.stateSource === 'hook'),
    20_000,
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
