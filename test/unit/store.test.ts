import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../src/daemon/session/store.js';
import type { SessionRecord } from '../../src/daemon/session/record.js';

const DAY = 24 * 60 * 60 * 1000;

function record(id: string, status: 'running' | 'exited', exitedAt?: string): SessionRecord {
  return {
    id,
    tool: 'exec',
    workDir: '/',
    args: ['true'],
    command: '/bin/true',
    env: {},
    status,
    yoloMode: false,
    approvals: [],
    createdAt: new Date(Date.now() - 30 * DAY).toISOString(),
    lastCols: 80,
    lastRows: 24,
    attachments: [],
    backend: { kind: 'pty' },
    ...(exitedAt && { exitedAt }),
  };
}

test('the store is written 0600 and read back; exited sessions older than 7 days are dropped, running ones never', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-store-'));
  const file = path.join(dir, 'sessions.json');
  const store = new Store(file);
  assert.deepEqual(store.load(), { ok: true, records: [] });
  const now = Date.now();
  store.save([
    record('s_0000000000000001', 'running'),
    record('s_0000000000000002', 'exited', new Date(now - 8 * DAY).toISOString()),
    record('s_0000000000000003', 'exited', new Date(now - 6 * DAY).toISOString()),
  ]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const loaded = store.load(now);
  assert.ok(loaded.ok);
  assert.deepEqual(
    loaded.records.map((r) => r.id),
    ['s_0000000000000001', 's_0000000000000003'],
  );
  fs.rmSync(dir, { recursive: true });
});

test('a store that cannot be parsed is moved aside, never deleted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-store-'));
  const file = path.join(dir, 'sessions.json');
  for (const content of ['{"sessions": [', '{"sessions": [{"id": 1}]}', '[]']) {
    fs.writeFileSync(file, content);
    const loaded = new Store(file).load();
    assert.equal(loaded.ok, false);
    assert.ok(!loaded.ok && loaded.movedTo && fs.readFileSync(loaded.movedTo, 'utf8') === content);
    assert.ok(!fs.existsSync(file));
    if (!loaded.ok && loaded.movedTo) fs.rmSync(loaded.movedTo);
  }
  fs.rmSync(dir, { recursive: true });
});
