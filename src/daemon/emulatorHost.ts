import { Worker } from 'node:worker_threads';
import { EMULATOR_BACKLOG_BYTES, REPLAY_SCROLLBACK_LINES } from '../shared/limits.js';
import type { FromEmulator, ToEmulator } from './emulatorMessages.js';

export interface SerializedScreen {
  data: string;
  /** The program is on the alternate screen (a full-screen program). */
  alternate: boolean;
}

/**
 * The main thread's side of the emulator thread. Output is batched per event
 * loop turn and copied once into a transferable buffer; a session whose
 * backlog in the thread passes EMULATOR_BACKLOG_BYTES stops feeding it and,
 * once the thread has caught up, is rebuilt from the raw ring instead.
 */
export class EmulatorHost {
  private readonly worker: Worker;
  private readonly backlog = new Map<string, { bytes: number; overrun: boolean; resync: () => Buffer }>();
  private readonly pending = new Map<number, (screen: SerializedScreen) => void>();
  private nextRequest = 1;

  constructor(workerUrl: URL) {
    this.worker = new Worker(workerUrl);
    this.worker.unref();
    this.worker.on('message', (message: FromEmulator) => this.onMessage(message));
    this.worker.on('error', (error) => {
      process.stderr.write(`emulator thread failed: ${error.stack ?? String(error)}\n`);
    });
  }

  open(id: string, cols: number, rows: number, resync: () => Buffer): void {
    this.backlog.set(id, { bytes: 0, overrun: false, resync });
    this.post({ type: 'open', id, cols, rows, scrollback: REPLAY_SCROLLBACK_LINES });
  }

  /** Feed a batch of output (the chunks of one event-loop turn). */
  feed(id: string, chunks: Buffer[], total: number): void {
    const state = this.backlog.get(id);
    if (!state) return;
    if (state.overrun) return; // The ring has these bytes; the resync will replay them.
    if (state.bytes > EMULATOR_BACKLOG_BYTES) {
      state.overrun = true;
      return;
    }
    // A fresh, unpooled buffer: it is transferred, not copied again.
    const data = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    state.bytes += total;
    this.worker.postMessage({ type: 'data', id, data } satisfies ToEmulator, [data.buffer]);
  }

  resize(id: string, cols: number, rows: number): void {
    this.post({ type: 'resize', id, cols, rows });
  }

  /** The current screen, modes and recent scrollback, after every byte fed so far. */
  serialize(id: string): Promise<SerializedScreen> {
    const state = this.backlog.get(id);
    if (state?.overrun) this.resync(id);
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.pending.set(request, resolve);
      this.post({ type: 'serialize', id, request });
    });
  }

  close(id: string): void {
    if (!this.backlog.delete(id)) return;
    this.post({ type: 'close', id });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private resync(id: string): void {
    const state = this.backlog.get(id);
    if (!state) return;
    const ring = state.resync();
    const data = new Uint8Array(ring.length);
    data.set(ring);
    state.overrun = false;
    state.bytes += data.length;
    this.worker.postMessage({ type: 'reset', id, data } satisfies ToEmulator, [data.buffer]);
  }

  private onMessage(message: FromEmulator): void {
    if (message.type === 'serialized') {
      const resolve = this.pending.get(message.request);
      this.pending.delete(message.request);
      resolve?.({ data: message.data, alternate: message.alternate });
      return;
    }
    const state = this.backlog.get(message.id);
    if (!state) return;
    state.bytes -= message.bytes;
    if (state.overrun && state.bytes <= 0) this.resync(message.id);
  }

  private post(message: ToEmulator): void {
    this.worker.postMessage(message);
  }
}
