// Each provider's adopt outcomes: what it reports of sessions a previous
// daemon ran (the manager applies them). tmux is real, on a private socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { statePaths } from '../../../src/shared/paths.js';
import { PtyProvider } from '../../../src/daemon/backends/ptyProvider.js';
import { TmuxProvider } from '../../../src/daemon/backends/tmux/provider.js';
import { TmuxServer } from '../../../src/daemon/backends/tmux/server.js';
import type { AdoptRequest } from '../../../src/daemon/backends/backend.js';
import { migrateBackend } from '../../../src/daemon/session/store.js';
import type { SessionRecord } from '../../../src/daemon/session/record.js';
import { waitFor } from '../../helpers/kojo.js';
import { findExecutable } from '../../../src/shared/executables.js';

function request(id: string, state: AdoptRequest['state']): AdoptRequest {
  return { id, state, terminal: false, cwd: '/', cols: 80, rows: 24 };
}

test('pty: a direct session still marked running is lost', async () => {
  const outcomes = await new PtyProvider().adopt([request('s_1', { kind: 'pty' })]);
  assert.deepEqual(outcomes.get('s_1'), { kind: 'lost' });
});

test('tmux: running, exited with its status and screen, lost, and orphans removed', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-prov-'));
  const paths = statePaths({ KOJO_HOME: home });
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  const server = new TmuxServer(findExecutable('tmux', process.env.PATH, '/')!, paths, () => undefined);
  after(async () => {
    server.close();
    await execa('tmux', ['-S', paths.tmuxSocket, 'kill-server'], { reject: false });
    fs.rmSync(home, { recursive: true, force: true });
  });
  await server.start();
  const tmux = (args: string[]) => server.run(args);
  assert.ok((await tmux(['new-session', '-d', '-s', 'kojo_s_run', 'echo alive; exec sleep 600'])).ok);
  // Not kojo's pane wrapper (no end marker): a bare program that exits at once can beat tmux
  // to its own last bytes, so this one lingers a moment before it exits.
  assert.ok((await tmux(['new-session', '-d', '-s', 'kojo_s_dead', 'echo bye; sleep 0.3; exit 3'])).ok);
  assert.ok((await tmux(['new-session', '-d', '-s', 'kojo_s_orphan', 'sleep 600'])).ok);
  await waitFor(async () => (await tmux(['display', '-p', '-t', 'kojo_s_dead', '#{pane_dead}'])).stdout === '1');
  const provider = new TmuxProvider(server);
  const outcomes = await provider.adopt(
    [
      request('s_run', { kind: 'tmux', session: 'kojo_s_run' }),
      request('s_dead', { kind: 'tmux', session: 'kojo_s_dead' }),
      request('s_gone', { kind: 'tmux', session: 'kojo_s_gone' }),
    ],
    { cleanOrphans: true },
  );
  const running = outcomes.get('s_run')!;
  assert.equal(running.kind, 'running');
  assert.match(running.kind === 'running' ? running.seed.toString() : '', /alive/);
  // Watch it, then let go, as a daemon would at shutdown: its output pipe must not keep this process alive.
  if (running.kind === 'running') running.connect({ onData: () => undefined, onExit: () => undefined }).detach();
  const exited = outcomes.get('s_dead')!;
  assert.equal(exited.kind, 'exited');
  if (exited.kind === 'exited') {
    assert.equal(exited.code, 3);
    assert.match(exited.output.toString(), /bye/);
  }
  assert.deepEqual(outcomes.get('s_gone'), { kind: 'lost' });
  const names = (await tmux(['list-sessions', '-F', '#{session_name}'])).stdout.split('\n');
  assert.ok(!names.includes('kojo_s_orphan'), 'orphan removed');
  assert.ok(!names.includes('kojo_s_dead'), 'finalised session removed');
  assert.ok(names.includes('kojo_s_run'));
});

test('store records from before backends had state are migrated', () => {
  const old = { id: 's_1', tmuxSessionName: 'kojo_s_1', heldModes: '\x1b[?2004h' } as unknown as SessionRecord;
  assert.deepEqual(migrateBackend(old).backend, { kind: 'tmux', session: 'kojo_s_1', heldModes: '\x1b[?2004h' });
  assert.equal('tmuxSessionName' in old, false);
  const direct = { id: 's_2' } as unknown as SessionRecord;
  assert.deepEqual(migrateBackend(direct).backend, { kind: 'pty' });
});
