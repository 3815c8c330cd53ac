// The agents room without processes: menus, the deny rule, settings merge,
// restart arguments, codex rollouts, the state machine and hook events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findApprovalMenu, normaliseForYolo } from '../../src/daemon/agents/yoloDetector.js';
import { DEFAULT_YOLO_DENY, deniedBy } from '../../src/daemon/agents/denyRule.js';
import { kojoClaudeSettings, withClaudeSettings } from '../../src/daemon/agents/hooks/claudeSettings.js';
import { TOOLS } from '../../src/daemon/agents/tools.js';
import { findRolloutById, findRolloutFor } from '../../src/daemon/agents/codexRollout.js';
import { AgentStateMachine } from '../../src/daemon/agents/stateMachine.js';
import { handleHook } from '../../src/daemon/agents/hookEvents.js';
import type { DetectorHost } from '../../src/daemon/agents/detector.js';
import type { YoloApproval } from '../../src/shared/protocol/agent.js';
import type { StateEvent } from '../../src/shared/protocol/session.js';

const menu = (text: string): string | undefined => findApprovalMenu(normaliseForYolo(text));

test('an approval menu is matched only when drawn as one, with a yes highlighted', () => {
  assert.ok(menu('│ Do you want to proceed? │\r\n│ \x1b[38;5;153m❯\x1b[39m 1. Yes │\r\n│   2. No │'));
  // Claude's API-key dialog highlights "No": never answered.
  assert.equal(
    menu('Detected a custom API key\r\nDo you want to use this API key?\r\n  1. Yes\r\n❯ 2. No (recommended)\r\n'),
    undefined,
  );
  assert.equal(menu('Do you want to use this API key? 1. Yes ❯ 2. No (recommended)'), undefined);
  // An ordinary prompt or transcript line, with or without its echo.
  assert.equal(
    menu('> Do you like tea? 1. Yes please\r\nDo you like tea? 1. Yes please\r\n  1. Yes please\r\n'),
    undefined,
  );
  // The highlight moved off the yes since: not answered.
  assert.equal(
    menu('Do you want to proceed?\n❯ 1. Yes\n  2. No\nDo you want to proceed?\n  1. Yes\n❯ 2. No\n'),
    undefined,
  );
});

test('the default deny rule catches destructive commands and lets ordinary ones through', () => {
  for (const command of [
    'rm -rf /',
    'rm -fr build',
    'sudo rm -Rf ~/x',
    'rm -r -f dist',
    'rm --recursive --force x',
    'git push --force origin main',
    'git push -f',
    'git push origin main --force-with-lease',
    'git reset --hard HEAD~3',
    'mkfs.ext4 /dev/sda1',
    'dd if=/dev/zero of=/dev/sda bs=1M',
  ]) {
    assert.ok(deniedBy(DEFAULT_YOLO_DENY, { command }), command);
  }
  for (const command of [
    'rm file.txt',
    'rm -r build',
    'git push origin main',
    'git reset HEAD',
    'dd if=a of=b',
    'ls -rf',
  ]) {
    assert.equal(deniedBy(DEFAULT_YOLO_DENY, { command }), false, command);
  }
  assert.ok(deniedBy('secret', { file_path: '/tmp/secret.txt' }));
});

test("the user's --settings (JSON or file, the last one) is merged with kojo's into one", () => {
  const ours = kojoClaudeSettings('kojo-hook', 'echo key');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-settings-'));
  fs.writeFileSync(path.join(dir, 'mine.json'), JSON.stringify({ model: 'opus', hooks: { Stop: [{ hooks: [] }] } }));
  const fromFile = withClaudeSettings(['--settings', '{"model":"x"}', '-p', '--settings=mine.json'], dir, ours);
  assert.equal(fromFile.args.filter((a) => a === '--settings' || a.startsWith('--settings=')).length, 1);
  assert.deepEqual(fromFile.args.slice(0, 1), ['-p']);
  const merged = JSON.parse(fromFile.args.at(-1)!) as { model: string; hooks: Record<string, unknown[]> };
  assert.equal(merged.model, 'opus');
  assert.equal(merged.hooks.Stop!.length, 2);
  assert.equal(merged.hooks.PermissionRequest!.length, 1);
  const broken = withClaudeSettings(['--settings', 'missing.json'], dir, ours);
  assert.deepEqual(broken.args, ['--settings', 'missing.json']);
  assert.match(broken.problem!, /missing\.json/);
  fs.rmSync(dir, { recursive: true });
});

test('restart builds valid commands from any user arguments', () => {
  const id = '0199a1b2-c3d4-7e5f-8a9b-0123456789ab';
  assert.deepEqual(TOOLS.codex.restartArgs(['resume', id], id), ['resume', id]);
  assert.deepEqual(TOOLS.codex.restartArgs(['resume', 'other'], undefined), ['resume', '--last']);
  assert.deepEqual(TOOLS.codex.restartArgs(['-m', 'o3', 'fix the bug', '--search'], undefined), [
    'resume',
    '--last',
    '-m',
    'o3',
    '--search',
  ]);
  assert.deepEqual(TOOLS.codex.restartArgs(['resume', '--last', '-c', 'a=1'], id), ['resume', id, '-c', 'a=1']);
  assert.deepEqual(TOOLS.gemini.restartArgs(['-r', '3', '-y'], id), ['-y', '--resume', id]);
  assert.deepEqual(TOOLS.gemini.restartArgs(['-y'], undefined), ['-y', '--resume', 'latest']);
});

test('codex rollouts: found by id, or by work dir and start time', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-codex-'));
  const save = (id: string, cwd: string, time: Date): void => {
    const dir = path.join(home, 'sessions', String(time.getFullYear()), '01', '02');
    fs.mkdirSync(dir, { recursive: true });
    const meta = { type: 'session_meta', payload: { id, cwd, timestamp: time.toISOString() } };
    fs.writeFileSync(path.join(dir, `rollout-x-${id}.jsonl`), JSON.stringify(meta) + '\n{"more":1}\n');
  };
  const year = new Date().getFullYear() + 1;
  const t0 = new Date(`${year}-01-02T10:00:00Z`);
  save('aaaaaaaa-0000-0000-0000-000000000001', '/w/a', new Date(t0.getTime() - 60_000));
  save('aaaaaaaa-0000-0000-0000-000000000002', '/w/a', new Date(t0.getTime() + 5_000));
  save('aaaaaaaa-0000-0000-0000-000000000003', '/w/b', new Date(t0.getTime() + 1_000));
  save('aaaaaaaa-0000-0000-0000-000000000004', '/w/a', new Date(t0.getTime() + 9_000));
  assert.equal(findRolloutById(home, 'AAAAAAAA-0000-0000-0000-000000000003')?.cwd, '/w/b');
  assert.equal(findRolloutById(home, 'aaaaaaaa-0000-0000-0000-000000000009'), undefined);
  assert.equal(findRolloutFor(home, '/w/a', t0)?.id, 'aaaaaaaa-0000-0000-0000-000000000002');
  assert.equal(findRolloutFor(home, '/w/c', t0), undefined);
  fs.rmSync(home, { recursive: true });
});

function fakeHost(options: { yolo?: boolean; attached?: number } = {}) {
  const events: StateEvent[] = [];
  const approvals: YoloApproval[] = [];
  const record = {
    id: 's_0000000000000001',
    tool: 'claude' as const,
    workDir: '/w',
    env: {},
    createdAt: new Date().toISOString(),
    yoloMode: options.yolo ?? false,
    approvals,
    attachments: [],
  } as DetectorHost['record'];
  const agent = new AgentStateMachine(record, () => options.attached ?? 0);
  agent.on('state', (e) => events.push(e));
  const host: DetectorHost = {
    record,
    agent,
    isRunning: () => true,
    recordedBytes: () => 0,
    type: () => undefined,
    tail: () => Buffer.alloc(0),
    screenText: () => Promise.resolve(undefined),
    approved: (a) => approvals.push(a),
    attached: () => undefined,
    changed: () => undefined,
  };
  return { host, events, approvals, record, agent };
}

const ctx = { denyRule: DEFAULT_YOLO_DENY, log: () => undefined };

test('claude hook events drive the state; attention on asking and on idle after working', () => {
  const { host, events, record, agent } = fakeHost();
  handleHook(host, 'claude', { hook_event_name: 'SessionStart', session_id: 'first' }, ctx);
  handleHook(host, 'claude', { hook_event_name: 'UserPromptSubmit', prompt: 'x' }, ctx);
  const answer = handleHook(
    host,
    'claude',
    { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'ls' } },
    ctx,
  );
  assert.deepEqual(answer, {});
  agent.seen();
  assert.equal(agent.attention, false);
  handleHook(host, 'claude', { hook_event_name: 'PostToolUse' }, ctx);
  handleHook(host, 'claude', { hook_event_name: 'Stop' }, ctx);
  handleHook(host, 'claude', { hook_event_name: 'SessionStart', session_id: 'second', source: 'clear' }, ctx);
  handleHook(host, 'claude', { hook_event_name: 'Mystery' }, ctx);
  assert.deepEqual(
    events.map((e) => [e.previous, e.state, e.attention, e.stateSource]),
    [
      ['starting', 'idle', false, 'hook'],
      ['idle', 'working', false, 'hook'],
      ['working', 'asking', true, 'hook'],
      ['asking', 'working', false, 'hook'],
      ['working', 'idle', true, 'hook'],
    ],
  );
  assert.equal(record.toolSessionId, 'second');
  assert.equal(agent.hookDriven, true);
});

test('yolo answers a PermissionRequest with allow and an audit record, unless the deny rule matches', () => {
  const { host, approvals, agent } = fakeHost({ yolo: true });
  const ask = (command: string) =>
    handleHook(
      host,
      'claude',
      { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command } },
      ctx,
    );
  assert.deepEqual(ask('npm test'), { allow: true });
  assert.equal(approvals.length, 1);
  assert.equal(approvals[0]!.via, 'hook');
  assert.equal(approvals[0]!.tool, 'Bash');
  assert.equal(approvals[0]!.input, 'npm test');
  assert.deepEqual(ask('rm -rf /'), {});
  assert.equal(approvals.length, 1);
  assert.equal(agent.state, 'asking');
});

test('a state change seen at an attached terminal calls for no attention', () => {
  const { host, events } = fakeHost({ attached: 1 });
  handleHook(host, 'claude', { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {} }, ctx);
  assert.equal(events.at(-1)!.attention, false);
});
