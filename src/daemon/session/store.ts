import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import writeFileAtomic from 'write-file-atomic';
import { EXITED_SESSION_MAX_AGE_MS } from '../../shared/limits.js';
import type { SessionRecord } from './session.js';

export type LoadResult =
  | { ok: true; records: SessionRecord[] }
  /** The file could not be read or parsed; it was moved to `movedTo`. */
  | { ok: false; problem: string; movedTo?: string };

const STORE_VERSION = 1;

/** sessions.json: written by atomic rename, mode 0600. */
export class Store {
  constructor(private readonly file: string) {}

  load(now = Date.now()): LoadResult {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, records: [] };
      return this.quarantine(`cannot read ${this.file}: ${(error as Error).message}`);
    }
    let records: SessionRecord[];
    try {
      records = parseStore(text);
    } catch (error) {
      return this.quarantine(`${this.file} is corrupt (${(error as Error).message})`);
    }
    return {
      ok: true,
      records: records.filter(
        (r) => r.status === 'running' || now - Date.parse(r.exitedAt ?? r.createdAt) < EXITED_SESSION_MAX_AGE_MS,
      ),
    };
  }

  save(records: SessionRecord[]): void {
    writeFileAtomic.sync(this.file, JSON.stringify({ version: STORE_VERSION, sessions: records }, null, 1) + '\n', {
      mode: 0o600,
    });
  }

  /** Never delete what we cannot read: move it aside for the user. */
  private quarantine(problem: string): LoadResult {
    // Unique, so that a second quarantine never overwrites the first.
    const movedTo = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    try {
      fs.renameSync(this.file, movedTo);
      return { ok: false, problem: `${problem}; moved to ${movedTo}`, movedTo };
    } catch {
      return { ok: false, problem };
    }
  }
}

function parseStore(text: string): SessionRecord[] {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { sessions?: unknown }).sessions)) {
    throw new Error('no sessions list');
  }
  const sessions = (data as { sessions: unknown[] }).sessions;
  return sessions.map((entry, index) => {
    if (!isRecord(entry)) throw new Error(`entry ${index} is not a session`);
    return migrateBackend(entry);
  });
}

/** Stores before backends had their own state spread tmux fields over the record. */
export function migrateBackend(record: SessionRecord): SessionRecord {
  const old = record as SessionRecord & { tmuxSessionName?: unknown; heldModes?: unknown };
  if (typeof record.backend !== 'object' || record.backend === null) {
    record.backend =
      typeof old.tmuxSessionName === 'string'
        ? {
            kind: 'tmux',
            session: old.tmuxSessionName,
            ...(typeof old.heldModes === 'string' ? { heldModes: old.heldModes } : {}),
          }
        : { kind: 'pty' };
  }
  delete old.tmuxSessionName;
  delete old.heldModes;
  return record;
}

function isRecord(value: unknown): value is SessionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.tool === 'string' &&
    typeof r.workDir === 'string' &&
    typeof r.command === 'string' &&
    Array.isArray(r.args) &&
    typeof r.env === 'object' &&
    r.env !== null &&
    (r.status === 'running' || r.status === 'exited') &&
    typeof r.createdAt === 'string' &&
    Array.isArray(r.approvals) &&
    Array.isArray(r.attachments) &&
    typeof r.lastCols === 'number' &&
    typeof r.lastRows === 'number'
  );
}
