// The agent layer through the built CLI, with claude/codex/gemini stand-ins
// on PATH: tool session ids, resume on restart, custom endpoint, yolo,
// attachments, tools and config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, waitFor, FIXTURE_BIN, KOJO_BIN, type Sandbox } from '../helpers/kojo.js';

const box = sandboxes({ path: [FIXTURE_BIN] });

interface Seen {
  tool: string;
  argv: string[];
  env: { ANTHROPIC_BASE_URL?: string; ANTHROPIC_API_KEY?: string };
  apiKey?: string;
}

/** The argv without what kojo adds for its hooks: claude's --settings, codex's -c notify=…. */
function userArgv(seen: Seen): string[] {
  const out: string[] = [];
  for (let i = 0; i < seen.argv.length; i++) {
    const arg = seen.argv[i]!;
    if (arg === '--settings' || (arg === '-c' && seen.argv[i + 1]?.startsWith('notify='))) i++;
    else out.push(arg);
  }
  return out;
}

function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

async function info(b: Sandbox, id: string): Promise<Record<string, unknown>> {
  const list = JSON.parse((await b.run(['ls', '--json', '--all'])).stdout) as Array<Record<string, unknown>>;
  const found = list.find((s) => s.id === id);
  assert.ok(found, `${id} listed`);
  return found;
}

/** Starts a tool with fixture settings; returns its ID and the argv log. */
async function start(b: Sandbox, args: string[], fixture: Record<string, string> = {}) {
  const argvLog = path.join(b.dir, `argv-${Math.random().toString(16).slice(2)}.log`);
  const r = await b.run(['new', ...args], { env: { FIXTURE_ARGV_LOG: argvLog, ...fixture } });
  assert.equal(r.exitCode, 0, r.stderr);
  const id = r.stdout.trim();
  await waitFor(() => readLines(argvLog).length > 0, 10_000, 'tool start');
  return { id, argvLog, seen: () => readLines<Seen>(argvLog) };
}

async function stopAndRestart(b: Sandbox, id: string, runs: () => Seen[]): Promise<Seen> {
  assert.equal((await b.run(['stop', id])).exitCode, 0);
  const count = runs().length;
  const r = await b.run(['restart', id]);
  assert.equal(r.exitCode, 0, r.stderr);
  await waitFor(() => runs().length > count, 10_000, 'restart');
  return runs().at(-1)!;
}

test('claude gets a --session-id, recorded and used to resume; stored args stay the user’s', async () => {
  const b = await box();
  const { id, seen } = await start(b, ['claude', '--', '--model', 'opus']);
  const first = seen()[0]!;
  const argv = userArgv(first);
  assert.equal(argv.length, 4);
  assert.deepEqual(argv.slice(0, 3), ['--model', 'opus', '--session-id']);
  assert.equal(first.argv.filter((a) => a === '--settings').length, 1);
  const uuid = argv[3]!;
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const before = await info(b, id);
  assert.equal(before.toolSessionId, uuid);
  assert.deepEqual(before.args, ['--model', 'opus']);
  const again = await stopAndRestart(b, id, seen);
  assert.deepEqual(userArgv(again), ['--model', 'opus', '--resume', uuid]);
  assert.deepEqual((await info(b, id)).args, ['--model', 'opus']);
});

test('a session id the user gives claude is kept, in both spellings', async () => {
  const b = await box();
  const given = '11111111-2222-4333-8444-555555555555';
  const spaced = await start(b, ['claude', '--', '--session-id', given]);
  assert.deepEqual(userArgv(spaced.seen()[0]!), ['--session-id', given]);
  assert.equal((await info(b, spaced.id)).toolSessionId, given);
  const joined = await start(b, ['claude', '--', `--session-id=${given}`, '-c']);
  assert.deepEqual(userArgv(joined.seen()[0]!), [`--session-id=${given}`, '-c']);
  assert.equal((await info(b, joined.id)).toolSessionId, given);
  // Restart drops --continue/-c and resumes the given id.
  const again = await stopAndRestart(b, joined.id, joined.seen);
  assert.deepEqual(userArgv(again), ['--resume', given]);
});

test('claude restart drops an earlier --resume/-r and --continue', async () => {
  const b = await box();
  const { id, seen } = await start(b, ['claude', '--', '-r', 'old-id', '--continue', '--verbose']);
  const uuid = (await info(b, id)).toolSessionId as string;
  const again = await stopAndRestart(b, id, seen);
  assert.deepEqual(userArgv(again), ['--verbose', '--resume', uuid]);
});

test('codex: the printed session id is captured across chunks and ANSI, and resumed once saved', async () => {
  const b = await box();
  const codexHome = path.join(b.dir, 'codex-home');
  const { id, seen } = await start(b, ['codex', '--', '--model', 'o3'], { CODEX_HOME: codexHome });
  const uuid = '0199a1b2-c3d4-7e5f-8a9b-0123456789ab';
  await waitFor(async () => (await info(b, id)).toolSessionId === uuid, 10_000, 'codex session id');
  // codex saves the conversation (its rollout file) with the first prompt.
  const term = b.attachPty(['attach', id]);
  await term.waitForText('session id');
  term.write('hello\r');
  await term.waitForText('done: hello');
  const again = await stopAndRestart(b, id, seen);
  assert.deepEqual(userArgv(again), ['resume', uuid, '--model', 'o3']);
});

test('codex without a saved conversation resumes --last; gemini without a known id resumes latest', async () => {
  const b = await box();
  const codex = await start(b, ['codex'], { FIXTURE_CODEX_TAIL: 'not-a-uuid', CODEX_HOME: path.join(b.dir, 'ch') });
  const codexAgain = await stopAndRestart(b, codex.id, codex.seen);
  assert.deepEqual(userArgv(codexAgain), ['resume', '--last']);
  const gemini = await start(b, ['gemini', '--', '--resume', '3', '-y'], { FIXTURE_NO_HOOKS: '1' });
  const geminiAgain = await stopAndRestart(b, gemini.id, gemini.seen);
  assert.deepEqual(geminiAgain.argv, ['-y', '--resume', 'latest']);
  assert.deepEqual((await info(b, gemini.id)).args, ['--resume', '3', '-y']);
});

test('custom runs claude against the endpoint from --base-url, config, or the default', async () => {
  const b = await box();
  const byDefault = await start(b, ['custom']);
  // The key comes from the settings' apiKeyHelper, not ANTHROPIC_API_KEY (which draws a dialog).
  assert.deepEqual(byDefault.seen()[0]!.env, { ANTHROPIC_BASE_URL: 'http://localhost:8080' });
  assert.equal(byDefault.seen()[0]!.apiKey, 'dummy');
  assert.equal(byDefault.seen()[0]!.tool, 'claude');
  const set = await b.run(['config', 'set', 'custom-base-url', 'http://127.0.0.1:4000']);
  assert.equal(set.exitCode, 0, set.stderr);
  assert.equal((await b.run(['config', 'get', 'custom-base-url'])).stdout, 'http://127.0.0.1:4000');
  const fromConfig = await start(b, ['custom']);
  assert.equal(fromConfig.seen()[0]!.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:4000');
  const explicit = await start(b, ['custom', '--base-url', 'http://127.0.0.1:5000']);
  assert.equal(explicit.seen()[0]!.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:5000');
  const bad = await b.run(['config', 'set', 'custom-base-url', 'not a url']);
  assert.equal(bad.exitCode, 2);
  assert.equal(bad.stderr.trim(), 'kojo: custom-base-url must be an http(s) URL');
});

for (const prompt of ['claude-bash', 'claude-edit', 'claude-create']) {
  test(`screen yolo approves the ${prompt} menu once`, async () => {
    const b = await box();
    const inputLog = path.join(b.dir, 'input.log');
    // codex has no permission hook: its yolo is the regex + Enter path.
    const { id } = await start(b, ['codex', '--yolo'], { FIXTURE_PROMPT: prompt, FIXTURE_INPUT_LOG: inputLog });
    await waitFor(() => readLines<string>(inputLog).includes('\r'), 10_000, 'approval keystroke');
    // The fixture shows the menu again after each Enter: it is approved again,
    // once per showing, never twice for one.
    await waitFor(() => readLines<string>(inputLog).length >= 2, 5_000, 'second approval');
    const approvals = ((await b.run(['yolo', id, '--json'])).stdout &&
      JSON.parse((await b.run(['yolo', id, '--json'])).stdout)) as {
      approvals: Array<{ matched: string; time: string }>;
    };
    const keystrokes = readLines<string>(inputLog).length;
    assert.ok(approvals.approvals.length >= keystrokes - 1 && approvals.approvals.length <= keystrokes + 1);
    // The matched text as normalised: escapes became spaces, blanks collapsed.
    assert.match(
      approvals.approvals[0]!.matched,
      /^Do you (want to proceed|want to make this edit to file\.ts ?|want to create hello\.py ?)\?[\s\S]*1\. Yes$/,
    );
    assert.ok(!Number.isNaN(Date.parse(approvals.approvals[0]!.time)));
    await b.run(['yolo', id, 'off']);
    const ls = await b.run(['ls']);
    assert.match(ls.stdout, /off \(\d+\)/);
  });
}

test('yolo off: nothing is answered; turning it on answers the prompt on screen; not-a-menu is never answered', async () => {
  const b = await box();
  const inputLog = path.join(b.dir, 'input.log');
  const { id } = await start(b, ['codex'], { FIXTURE_PROMPT: 'claude-bash', FIXTURE_INPUT_LOG: inputLog });
  assert.equal((await b.run(['yolo', id])).stdout, 'off (0 approvals)');
  // Give yolo every chance to (wrongly) answer: wait until the whole menu is out.
  const attach = await execa(KOJO_BIN, ['attach', id], { env: b.env, extendEnv: false, timeout: 4000, reject: false });
  assert.match(attach.stdout, /3\. No, and tell Claude/);
  assert.deepEqual(readLines(inputLog), []);
  assert.equal((await b.run(['yolo', id, 'on'])).stdout, 'on (1 approval)');
  await waitFor(() => readLines<string>(inputLog).includes('\r'), 5_000, 'approval after yolo on');

  const menuLess = path.join(b.dir, 'menuless.log');
  const other = await start(b, ['codex', '--yolo'], { FIXTURE_PROMPT: 'not-a-menu', FIXTURE_INPUT_LOG: menuLess });
  const seen = await execa(KOJO_BIN, ['attach', other.id], {
    env: b.env,
    extendEnv: false,
    timeout: 4000,
    reject: false,
  });
  assert.match(seen.stdout, /Do you want to continue\?/);
  assert.deepEqual(readLines(menuLess), []);
  assert.match((await b.run(['yolo', other.id])).stdout, /^on \(0 approvals\)/);
});

test('yolo state and approvals persist across a daemon restart; --watch streams approvals', async () => {
  const b = await box();
  const inputLog = path.join(b.dir, 'input.log');
  const { id } = await start(b, ['codex'], { FIXTURE_PROMPT: 'claude-edit', FIXTURE_INPUT_LOG: inputLog });
  const watch = execa(KOJO_BIN, ['yolo', id, '--watch'], { env: b.env, extendEnv: false, reject: false });
  await waitFor(async () => {
    const r = await b.run(['yolo', id, 'on']);
    return r.exitCode === 0;
  });
  await waitFor(() => readLines(inputLog).length >= 1, 5_000, 'approval');
  await b.run(['yolo', id, 'off']);
  await b.run(['stop', id]);
  const watched = await watch;
  assert.equal(watched.exitCode, 0, watched.stderr);
  assert.match(watched.stdout, /^\S+Z {2}Do you want to make this edit to file\.ts ?\?.*1\. Yes$/m);
  const count = (JSON.parse((await b.run(['yolo', id, '--json'])).stdout) as { approvals: unknown[] }).approvals.length;
  assert.ok(count >= 1);
  await b.run(['yolo', id, 'on']);
  assert.equal((await b.run(['daemon', 'stop'])).exitCode, 0);
  const after = JSON.parse((await b.run(['yolo', id, '--json'])).stdout) as { yoloMode: boolean; approvals: unknown[] };
  assert.equal(after.yoloMode, true);
  assert.equal(after.approvals.length, count);
});

test('attachments: found, resolved, deduplicated, persisted, dropped when gone, untracked on rm', async () => {
  const b = await box();
  const home = path.join(b.dir, 'home');
  fs.mkdirSync(path.join(home, 'pics'), { recursive: true });
  fs.mkdirSync(path.join(b.dir, 'out', 'dir.png'), { recursive: true });
  const files = {
    absolute: path.join(b.dir, 'abs.PNG'),
    relative: path.join(b.dir, 'out', 'rel.jpg'),
    tilde: path.join(home, 'pics', 'shot.webp'),
    spaced: path.join(b.dir, 'my clip.mp4'),
  };
  for (const file of Object.values(files)) fs.writeFileSync(file, 'media');
  const media = [
    `Saved screenshot to ${files.absolute}`,
    '\x1b[32mwrote ./out/rel.jpg\x1b[0m and again ./out/rel.jpg',
    'see ~/pics/shot.webp.',
    `"${files.spaced}"`,
    `missing: ${path.join(b.dir, 'gone.gif')}`,
    'a directory: ./out/dir.png',
    'not media: ./notes.txt',
  ];
  const { id } = await start(b, ['claude'], { FIXTURE_MEDIA: JSON.stringify(media), HOME: home });
  const list = async () =>
    JSON.parse((await b.run(['attachments', id, '--json'])).stdout) as Array<Record<string, unknown>>;
  await waitFor(async () => (await list()).length === 4, 10_000, 'four attachments');
  const found = await list();
  assert.deepEqual(found.map((a) => a.path).sort(), Object.values(files).sort());
  const abs = found.find((a) => a.path === files.absolute)!;
  assert.equal(abs.name, 'abs.PNG');
  assert.equal(abs.mime, 'image/png');
  assert.equal(abs.size, 5);
  assert.ok(!Number.isNaN(Date.parse(abs.modTime as string)) && !Number.isNaN(Date.parse(abs.createdAt as string)));
  assert.equal(found.find((a) => a.path === files.spaced)!.mime, 'video/mp4');

  const plain = await b.run(['attachments', id]);
  assert.match(plain.stdout, /my clip\.mp4\s+video\/mp4\s+5/);

  // Persisted with the session.
  assert.equal((await b.run(['daemon', 'stop'])).exitCode, 0);
  assert.equal((await list()).length, 4);
  // A vanished file is dropped when listed; rm untracks without deleting.
  fs.rmSync(files.tilde);
  assert.equal((await list()).length, 3);
  const rm = await b.run(['attachments', id, 'rm', './out/rel.jpg']);
  assert.equal(rm.exitCode, 0, rm.stderr);
  assert.ok(fs.existsSync(files.relative));
  assert.deepEqual((await list()).map((a) => a.path).sort(), [files.absolute, files.spaced].sort());
  const rmUnknown = await b.run(['attachments', id, 'rm', '/nope.png']);
  assert.equal(rmUnknown.exitCode, 2);
  assert.match(rmUnknown.stderr, /^kojo: not an attachment of s_[0-9a-f]{16}: \/nope\.png$/m);
});

test('kojo tools reports what is installed, and where', async () => {
  const b = await box();
  const withTools = JSON.parse((await b.run(['tools', '--json'])).stdout) as Record<
    string,
    { available: boolean; path: string }
  >;
  assert.deepEqual(withTools.claude, { available: true, path: path.join(FIXTURE_BIN, 'claude') });
  assert.deepEqual(withTools.custom, withTools.claude);
  assert.equal(withTools.codex!.available, true);
  assert.equal(withTools.gemini!.path, path.join(FIXTURE_BIN, 'gemini'));
  const bare = JSON.parse(
    (await b.run(['tools', '--json'], { env: { PATH: path.dirname(process.execPath) } })).stdout,
  ) as Record<string, { available: boolean; path: string }>;
  assert.deepEqual(bare.claude, { available: false, path: '' });
  assert.deepEqual(bare.custom, { available: false, path: '' });
  assert.deepEqual(Object.keys(bare).sort(), ['claude', 'codex', 'custom', 'gemini', 'tmux']);
  const table = await b.run(['tools']);
  assert.match(table.stdout, /^claude\s+yes\s+\//m);
});
