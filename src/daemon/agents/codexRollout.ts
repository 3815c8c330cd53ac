// codex's own record of a conversation: $CODEX_HOME/sessions/YYYY/MM/DD/
// rollout-<time>-<uuid>.jsonl, first line {"type":"session_meta","payload":
// {"id","cwd","timestamp",…}} (SPEC §3). It exists only once the conversation
// was saved, so it is what decides whether `codex resume <id>` can work.
import fs from 'node:fs';
import path from 'node:path';

const FIRST_LINE_BYTES = 64 * 1024;

export interface RolloutMeta {
  id: string;
  cwd: string;
  timestamp: string;
  file: string;
}

export function codexHome(env: Record<string, string>): string {
  return env.CODEX_HOME || path.join(env.HOME || '/', '.codex');
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Rollout files of the days from `since` (a day earlier, for time zones) on. */
function rolloutFiles(home: string, since: Date): string[] {
  const root = path.join(home, 'sessions');
  const from = new Date(since.getTime() - 24 * 60 * 60 * 1000);
  const fromKey = `${from.getFullYear()}${String(from.getMonth() + 1).padStart(2, '0')}${String(from.getDate()).padStart(2, '0')}`;
  const files: string[] = [];
  for (const year of listDir(root))
    for (const month of listDir(path.join(root, year)))
      for (const day of listDir(path.join(root, year, month))) {
        if (`${year}${month}${day}` < fromKey) continue;
        const dir = path.join(root, year, month, day);
        for (const name of listDir(dir))
          if (name.startsWith('rollout-') && name.endsWith('.jsonl')) files.push(path.join(dir, name));
      }
  return files;
}

export function readRolloutMeta(file: string): RolloutMeta | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const line = buffer.subarray(0, n).toString('utf8').split('\n')[0]!;
    const first = JSON.parse(line) as { type?: unknown; payload?: Record<string, unknown> };
    const meta = first.payload;
    if (first.type !== 'session_meta' || !meta) return undefined;
    if (typeof meta.id !== 'string' || typeof meta.cwd !== 'string') return undefined;
    const timestamp = typeof meta.timestamp === 'string' ? meta.timestamp : '';
    return { id: meta.id.toLowerCase(), cwd: meta.cwd, timestamp, file };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The saved conversation with this id, if codex saved it. */
export function findRolloutById(home: string, id: string, since = new Date(0)): RolloutMeta | undefined {
  const wanted = id.toLowerCase();
  for (const file of rolloutFiles(home, since)) {
    if (!file.toLowerCase().endsWith(`-${wanted}.jsonl`)) continue;
    const meta = readRolloutMeta(file);
    if (meta?.id === wanted) return meta;
  }
  return undefined;
}

/** The first conversation saved in `workDir` at or after `startedAt` (a second of slack). */
export function findRolloutFor(home: string, workDir: string, startedAt: Date): RolloutMeta | undefined {
  const from = startedAt.getTime() - 1000;
  let best: RolloutMeta | undefined;
  for (const file of rolloutFiles(home, startedAt)) {
    const meta = readRolloutMeta(file);
    if (!meta || path.resolve(meta.cwd) !== path.resolve(workDir)) continue;
    const time = Date.parse(meta.timestamp);
    if (Number.isNaN(time) || time < from) continue;
    if (!best || time < Date.parse(best.timestamp)) best = meta;
  }
  return best;
}
