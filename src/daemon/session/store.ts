import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EXITED_SESSION_MAX_AGE_MS, normalizeSize } from '../../shared/limits.js';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { describeWriteError, writeFileAtomicSync } from '../atomicWrite.js';
import { withoutSecrets } from './secrets.js';
import type { SessionRecord } from './record.js';

export type LoadResult =
  /** `warnings`: what was set right while loading (duplicates moved aside), for the log. */
  | { ok: true; records: SessionRecord[]; warnings?: string[] }
  /** The file could not be read or parsed; it was moved to `movedTo`. */
  | { ok: false; problem: string; movedTo?: string };

export interface StoreOptions {
  /** Persist variables that look like secrets (config persist-secrets). */
  keepSecrets?: () => boolean;
}

const STORE_VERSION = 1;

/** sessions.json: written by atomic rename, mode 0600, never through a symlink. */
export class Store {
  constructor(
    private readonly file: string,
    private readonly options: StoreOptions = {},
  ) {}

  load(now = Date.now()): LoadResult {
    this.removeLeftoverTemps();
    let text: string;
    try {
      text = readNoFollow(this.file);
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
    const { kept, warnings } = this.dropDuplicates(records);
    const result: LoadResult = {
      ok: true,
      records: kept.filter(
        (r) => r.status === 'running' || now - Date.parse(r.exitedAt ?? r.createdAt) < EXITED_SESSION_MAX_AGE_MS,
      ),
    };
    if (warnings.length) result.warnings = warnings;
    return result;
  }

  /** Throws a KojoError saying why when the file could not be replaced; the last good file stays. */
  save(records: SessionRecord[]): void {
    try {
      writeFileAtomicSync(this.file, JSON.stringify(this.stored(records), null, 1) + '\n');
    } catch (error) {
      throw new KojoError(ErrorCode.Internal, `cannot save sessions: ${describeWriteError(error)}`);
    }
  }

  /** One record as the store would keep it (secrets as configured), on one line. */
  serialize(record: SessionRecord): string {
    return JSON.stringify(this.stored([record]));
  }

  /** A record from serialize(), checked as the store checks its own; undefined if it is not one. */
  parse(text: string): SessionRecord | undefined {
    try {
      return parseStore(text)[0];
    } catch {
      return undefined;
    }
  }

  private stored(records: SessionRecord[]): { version: number; sessions: SessionRecord[] } {
    const keepSecrets = this.options.keepSecrets?.() ?? false;
    const sessions = keepSecrets ? records : records.map((r) => ({ ...r, env: withoutSecrets(r.env) }));
    return { version: STORE_VERSION, sessions };
  }

  /** Temp files of a save a crash interrupted (ours, or write-file-atomic's `<name>.<n>`). */
  private removeLeftoverTemps(): void {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith(`${base}.tmp-`) || new RegExp(`^${base.replace('.', '\\.')}\\.\\d+$`).test(name)) {
        fs.rmSync(path.join(dir, name), { force: true });
      }
    }
  }

  /** One session per id: the first is kept; the others are moved aside whole, never merged. */
  private dropDuplicates(records: SessionRecord[]): { kept: SessionRecord[]; warnings: string[] } {
    const seen = new Set<string>();
    const kept: SessionRecord[] = [];
    const dropped: SessionRecord[] = [];
    for (const record of records) {
      if (seen.has(record.id)) dropped.push(record);
      else {
        seen.add(record.id);
        kept.push(record);
      }
    }
    if (!dropped.length) return { kept, warnings: [] };
    const aside = this.asideName('duplicates');
    const ids = [...new Set(dropped.map((r) => r.id))].join(', ');
    try {
      writeFileAtomicSync(aside, JSON.stringify({ version: STORE_VERSION, sessions: dropped }, null, 1) + '\n');
      return {
        kept,
        warnings: [
          `duplicate session ids in the store (${ids}): kept the first of each, moved ${dropped.length} to ${aside}`,
        ],
      };
    } catch (error) {
      return {
        kept,
        warnings: [
          `duplicate session ids in the store (${ids}): kept the first of each; cannot keep the others: ${describeWriteError(error)}`,
        ],
      };
    }
  }

  /** Never delete what we cannot read: move it aside for the user. */
  private quarantine(problem: string): LoadResult {
    const movedTo = this.asideName('corrupt');
    try {
      fs.renameSync(this.file, movedTo);
      return { ok: false, problem: `${problem}; moved to ${movedTo}`, movedTo };
    } catch {
      return { ok: false, problem };
    }
  }

  /** Unique, so that a second one never overwrites the first. */
  private asideName(why: string): string {
    return `${this.file}.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  }
}

function readNoFollow(file: string): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
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
    // A stored huge size must not take the next daemon down with it.
    const size = normalizeSize(entry.lastCols, entry.lastRows);
    entry.lastCols = size.cols;
    entry.lastRows = size.rows;
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
