import type { Socket } from 'node:net';
import { ATTACHER_QUEUE_BYTES, ATTACH_LOW_WATERMARK_BYTES, RAW_ATTACHER_QUEUE_BYTES } from '../../shared/limits.js';
import { encodeEnd, outputHeader, type EndReason } from '../../shared/attachStream.js';

/** What an attacher asks of its session. */
export interface AttacherHost {
  /** Redraw this terminal from the emulated screen. */
  resync(attacher: Attacher): void;
  /** This terminal read some of its backlog (the session may read again). */
  progressed(attacher: Attacher): void;
  /** This terminal's stream is ending (what is in its socket still goes out). */
  ended(attacher: Attacher): void;
}

/**
 * One attached terminal on the daemon side. Output goes to its socket as
 * Output frames while the socket holds less than the low watermark; beyond
 * that it waits in a queue of its own, so that a terminal that falls too far
 * behind can be cut loose without sending what it missed: a screen terminal
 * is resynchronised from the emulated screen (as tmux does), a raw one
 * (a byte stream, not a screen) is ended with an End frame saying so.
 * How far behind it is (`behind`) is what the session's flow control reads.
 */
export class Attacher {
  private state: 'replaying' | 'live' | 'lagging' | 'finished' = 'replaying';
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private replayToken = 0;
  private end: EndReason | undefined;
  /** Set while the session ended during a replay. */
  private endAfterReplay = false;
  private resyncOnDrain = false;
  private readonly limit: number;
  /** No progress for the stall bound: it no longer holds the session back. */
  stalled = false;
  lastProgress = Date.now();
  /** `behind` when flow control last looked (it reads progress from it). */
  checkpoint = 0;

  constructor(
    readonly socket: Socket,
    readonly readOnly: boolean,
    readonly raw: boolean,
    public cols: number,
    public rows: number,
    private readonly host: AttacherHost,
  ) {
    this.limit = raw ? RAW_ATTACHER_QUEUE_BYTES : ATTACHER_QUEUE_BYTES;
    socket.on('drain', this.onDrain);
  }

  /** Bytes held for this terminal and not yet read by it. */
  get behind(): number {
    return this.socket.writableLength + this.queuedBytes;
  }

  /** Counts for flow control: it is reading the live stream (or about to). */
  get holdsBack(): boolean {
    return !this.stalled && (this.state === 'live' || this.state === 'replaying');
  }

  send(chunk: Buffer): void {
    if (this.state === 'live' && this.queuedBytes === 0 && this.socket.writableLength < ATTACH_LOW_WATERMARK_BYTES) {
      this.writeOutput(chunk);
    } else if (this.state === 'live' || this.state === 'replaying') {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      if (this.behind > this.limit) this.overflow();
    }
  }

  /** No progress for the stall bound: a screen is redrawn once it reads again. */
  markStalled(): void {
    this.stalled = true;
    if (!this.raw) this.resyncWhenDrained();
  }

  /** Start queueing live output; the caller is about to compute a replay. Returns its token. */
  beginReplay(): number {
    this.state = 'replaying';
    this.queue = [];
    this.queuedBytes = 0;
    return ++this.replayToken;
  }

  /** Write the replay, then what arrived meanwhile, then go live. A stale replay is ignored. */
  finishReplay(token: number, replay: Buffer | string): void {
    if (token !== this.replayToken || this.state !== 'replaying' || this.socket.destroyed) return;
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    this.writeOutput(typeof replay === 'string' ? Buffer.from(replay) : replay);
    this.state = 'live';
    for (const chunk of queued) this.send(chunk);
    if (this.endAfterReplay) this.finish(this.end!);
  }

  /**
   * The session ended: deliver what is queued, then the reason, then close.
   * A lagging terminal is closed by its pending resync, which shows the final screen.
   */
  finish(end: EndReason): void {
    this.end = end;
    if (this.state === 'finished' || this.state === 'lagging') return;
    if (this.state === 'replaying') {
      this.endAfterReplay = true;
      return;
    }
    if (this.queuedBytes === 0) this.close(end);
  }

  /** Last words for a terminal that lagged behind a session that has ended. */
  finishWith(finalScreen: Buffer | string, end: EndReason): void {
    if (this.state === 'finished') return;
    this.queue = [];
    this.queuedBytes = 0;
    this.writeOutput(typeof finalScreen === 'string' ? Buffer.from(finalScreen) : finalScreen);
    this.close(end);
  }

  /** The reason the session ended, if it did while this terminal was attached. */
  get endReason(): EndReason | undefined {
    return this.end;
  }

  private writeOutput(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const { socket } = this;
    socket.cork();
    socket.write(outputHeader(chunk.length));
    socket.write(chunk);
    socket.uncork();
  }

  private close(end: EndReason): void {
    this.state = 'finished';
    this.queue = [];
    this.queuedBytes = 0;
    this.socket.end(encodeEnd(end));
    this.host.ended(this);
  }

  private overflow(): void {
    if (this.raw) {
      // The stream cannot be kept whole: end it here, with the reason.
      this.close({ reason: 'dropped', limitBytes: this.limit });
    } else {
      this.resyncWhenDrained();
    }
  }

  /** Drop the backlog; once the socket has drained, redraw from the screen. */
  private resyncWhenDrained(): void {
    this.state = 'lagging';
    this.queue = [];
    this.queuedBytes = 0;
    this.replayToken++; // A replay under way would leave a gap: it is void.
    this.resyncOnDrain = true;
    if (this.socket.writableLength === 0) setImmediate(this.onDrain);
  }

  private readonly onDrain = (): void => {
    this.lastProgress = Date.now();
    this.stalled = false;
    if (this.resyncOnDrain && this.state === 'lagging') {
      this.resyncOnDrain = false;
      this.host.resync(this);
      return;
    }
    while (this.queuedBytes > 0 && this.socket.writableLength < ATTACH_LOW_WATERMARK_BYTES) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      this.writeOutput(chunk);
    }
    if (this.queuedBytes === 0 && this.state === 'live' && this.end) this.close(this.end);
    this.host.progressed(this);
  };
}
