import { Worker } from 'node:worker_threads';
import {
  EMULATOR_BACKLOG_BYTES,
  EMULATOR_QUIET_MS,
  EMULATOR_YOUNG_GENERATION_MIB,
  REPLAY_SCROLLBACK_LINES,
} from '../../shared/limits.js';
import type { FromEmulator, ToEmulator } from './messages.js';
import type { Capture } from '../../shared/protocol.js';
import { ModeTracker } from '../../shared/modeTracker.js';

interface EmulatorState {
  /** Bytes posted to the thread and not yet parsed. */
  bytes: number;
  /** Standing aside during a flood: the ring keeps the bytes meanwhile. */
  overrun: boolean;
  modes: ModeTracker;
  lastFeed: number;
  quietTimer: NodeJS.Timeout | undefined;
  ring: () => Buffer;
}

export interface SerializedScreen {
  data: string;
  /** The program is on the alternate screen (a full-screen program). */
  alternate: boolean;
}

/**
 * The main thread's side of the emulator thread. Output is batched per event
 * loop turn and copied once into a transferable buffer. On 2 cores the thread
 * competes with the relay, so during a flood it stands aside: once its backlog
 * passes EMULATOR_BACKLOG_BYTES it is fed nothing (only DEC mode switches are
 * noted) and, when output pauses or someone attaches, it is rebuilt from the
 * raw ring with those modes, keeping the modes it had.
 */
export class EmulatorHost {
  private readonly worker: Worker;
  private readonly backlog = new Map<string, EmulatorState>();
  private readonly pending = new Map<number, (screen: SerializedScreen) => void>();
  private readonly pendingCaptures = new Map<number, (capture: Capture) => void>();
  private nextRequest = 1;

  constructor(workerUrl: URL) {
    this.worker = new Worker(workerUrl, {
      resourceLimits: { maxYoungGenerationSizeMb: EMULATOR_YOUNG_GENERATION_MIB },
    });
    this.worker.unref();
    this.worker.on('message', (message: FromEmulator) => this.onMessage(message));
    this.worker.on('error', (error) => {
      process.stderr.write(`emulator thread failed: ${error.stack ?? String(error)}\n`);
    });
  }

  open(id: string, cols: number, rows: number, ring: () => Buffer): void {
    this.backlog.set(id, {
      bytes: 0,
      overrun: false,
      modes: new ModeTracker(),
      lastFeed: 0,
      quietTimer: undefined,
      ring,
    });
    this.post({ type: 'open', id, cols, rows, scrollback: REPLAY_SCROLLBACK_LINES });
  }

  /** Feed a batch of output (the chunks of one event-loop turn). */
  feed(id: string, chunks: Buffer[], total: number): void {
    const state = this.backlog.get(id);
    if (!state) return;
    if (!state.overrun && state.bytes > EMULATOR_BACKLOG_BYTES) {
      state.overrun = true;
      this.whenQuiet(id, state);
    }
    if (state.overrun) {
      for (const chunk of chunks) state.modes.scan(chunk);
      state.lastFeed = performance.now();
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

  /**
   * The current screen, modes and recent scrollback, after every byte fed so
   * far; for a viewer larger than the screen, the screen alone, fitted to it.
   */
  serialize(id: string, viewer?: { cols: number; rows: number }): Promise<SerializedScreen> {
    return this.request(id, 'screen', viewer);
  }

  /** The terminal modes the program has set, as the sequences that set them. */
  async modes(id: string): Promise<string> {
    return (await this.request(id, 'modes')).data;
  }

  /** The screen as lines of text, after every byte fed so far. */
  capture(id: string, options: { scrollback?: number; escapes?: boolean }): Promise<Capture> {
    if (this.backlog.get(id)?.overrun) this.resync(id);
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.pendingCaptures.set(request, resolve);
      this.post({
        type: 'capture',
        id,
        request,
        scrollback: options.scrollback ?? 0,
        escapes: options.escapes ?? false,
      });
    });
  }

  private request(
    id: string,
    what: 'screen' | 'modes',
    viewer?: { cols: number; rows: number },
  ): Promise<SerializedScreen> {
    const state = this.backlog.get(id);
    if (state?.overrun) this.resync(id);
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.pending.set(request, resolve);
      this.post({ type: 'serialize', id, request, what, ...(viewer && { viewer }) });
    });
  }

  close(id: string): void {
    const state = this.backlog.get(id);
    if (!state) return;
    clearTimeout(state.quietTimer);
    this.backlog.delete(id);
    this.post({ type: 'close', id });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** Rebuild once output has paused for EMULATOR_QUIET_MS. */
  private whenQuiet(id: string, state: EmulatorState): void {
    state.quietTimer = setTimeout(() => {
      const idle = performance.now() - state.lastFeed;
      if (!state.overrun) return;
      if (idle >= EMULATOR_QUIET_MS) this.resync(id);
      else this.whenQuiet(id, state);
    }, EMULATOR_QUIET_MS);
  }

  private resync(id: string): void {
    const state = this.backlog.get(id);
    if (!state) return;
    clearTimeout(state.quietTimer);
    const modes = Buffer.from(state.modes.take(), 'latin1');
    const ring = state.ring();
    const data = new Uint8Array(modes.length + ring.length);
    data.set(modes);
    data.set(ring, modes.length);
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
    if (message.type === 'failed') {
      process.stderr.write(`${new Date().toISOString()} emulator ${message.id}: ${message.message}\n`);
      return;
    }
    if (message.type === 'captured') {
      this.pendingCaptures.get(message.request)?.(message.capture);
      this.pendingCaptures.delete(message.request);
      return;
    }
    const state = this.backlog.get(message.id);
    if (!state) return;
    state.bytes -= message.bytes;
  }

  private post(message: ToEmulator): void {
    this.worker.postMessage(message);
  }
}
