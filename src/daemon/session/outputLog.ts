// Config `output-log on`: each session's raw output is also appended to
// <state dir>/logs/<id>.log, capped at `output-log-max-bytes` with one older
// file (<id>.log.1). Writes are batched per event-loop turn (the session's
// own per-turn batch) into a write stream: the relay never waits on the disk.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Session } from './session.js';

interface OpenLog {
  stream: fs.WriteStream;
  /** Bytes in the current file, counting those still queued. */
  size: number;
}

export class OutputLogs {
  private readonly open = new Map<string, OpenLog>();

  constructor(
    readonly dir: string,
    private readonly config: Config,
    private readonly log: (message: string) => void,
  ) {}

  get enabled(): boolean {
    return this.config.get('output-log') === 'on';
  }

  file(id: string): string {
    return path.join(this.dir, `${id}.log`);
  }

  /** Start appending a session's output (whenever the config says so). */
  follow(session: Session): void {
    session.on('output', (batch) => {
      if (this.enabled) this.append(session.id, batch);
    });
  }

  private append(id: string, batch: Buffer[]): void {
    const max = Number(this.config.get('output-log-max-bytes'));
    let log = this.open.get(id) ?? this.openLog(id);
    if (!log) return;
    log.stream.cork();
    for (let chunk of batch) {
      while (chunk.length > 0) {
        if (log.size >= max) {
          log.stream.uncork();
          log = this.rotate(id, log);
          if (!log) return;
          log.stream.cork();
        }
        const part = chunk.length <= max - log.size ? chunk : chunk.subarray(0, max - log.size);
        log.stream.write(part);
        log.size += part.length;
        chunk = chunk.subarray(part.length);
      }
    }
    log.stream.uncork();
  }

  /**
   * Opened synchronously, so that a rename (rotation) can never come between
   * a stream's creation and its file: queued writes follow the file they began in.
   */
  private openLog(id: string): OpenLog | undefined {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fd = fs.openSync(this.file(id), 'a', 0o600);
      const size = fs.fstatSync(fd).size;
      const stream = fs.createWriteStream('', { fd });
      stream.on('error', (error) => {
        this.log(`output log of ${id}: ${error.message}`);
        if (this.open.get(id)?.stream === stream) this.open.delete(id);
      });
      const log = { stream, size };
      this.open.set(id, log);
      return log;
    } catch (error) {
      this.log(`cannot open the output log of ${id}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private rotate(id: string, log: OpenLog): OpenLog | undefined {
    log.stream.end();
    this.open.delete(id);
    try {
      fs.renameSync(this.file(id), `${this.file(id)}.1`);
    } catch (error) {
      this.log(`cannot rotate the output log of ${id}: ${(error as Error).message}`);
    }
    return this.openLog(id);
  }

  /**
   * The recorded output as it stands now, oldest first: the rotated file,
   * then the current one. The files are opened now (a later rotation cannot
   * swap them) and read once every byte appended so far is on disk; bytes
   * appended later are left out. Undefined when the session has no log.
   */
  snapshot(id: string): (() => Promise<Buffer>) | undefined {
    const log = this.open.get(id);
    const flushed = log
      ? new Promise<void>((resolve) => log.stream.write(Buffer.alloc(0), () => resolve()))
      : Promise.resolve();
    const old = openForReading(`${this.file(id)}.1`);
    const current = openForReading(this.file(id));
    if (current === undefined) {
      if (old !== undefined) fs.closeSync(old);
      return undefined;
    }
    const limit = log?.size ?? fs.fstatSync(current).size;
    return async () => {
      try {
        await flushed;
        const parts = old === undefined ? [] : [await readAll(old, Infinity)];
        parts.push(await readAll(current, limit));
        return Buffer.concat(parts);
      } finally {
        if (old !== undefined) fs.closeSync(old);
        fs.closeSync(current);
      }
    };
  }

  /** `kojo rm`: the session's log goes with it. */
  remove(id: string): void {
    const log = this.open.get(id);
    this.open.delete(id);
    log?.stream.destroy();
    for (const file of [this.file(id), `${this.file(id)}.1`]) fs.rmSync(file, { force: true });
  }

  /** At shutdown: every queued byte written. */
  async close(): Promise<void> {
    const ends = [...this.open.values()].map((log) => new Promise<void>((resolve) => log.stream.end(() => resolve())));
    this.open.clear();
    await Promise.all(ends);
  }
}

function openForReading(file: string): number | undefined {
  try {
    return fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
}

async function readAll(fd: number, limit: number): Promise<Buffer> {
  const size = Math.min(limit, fs.fstatSync(fd).size);
  const buffer = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) =>
      fs.read(fd, buffer, at, size - at, at, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead }))),
    );
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buffer.subarray(0, at);
}
