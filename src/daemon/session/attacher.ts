import type { Socket } from 'node:net';
import {
  ATTACHER_QUEUE_BYTES,
  ATTACH_FRAME_MAX_BYTES,
  ATTACH_LOW_WATERMARK_BYTES,
  RAW_ATTACHER_QUEUE_BYTES,
} from '../../shared/limits.js';
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
 * One attached terminal on the daemon side. Output waits in a queue of its
 * own and is pumped into the socket as Output frames while the socket holds
 * less than the low watermark, at the end of the loop turn that read it:
 * the chunks of a turn, or of a backlog, go out as one frame (a header plus
 * the chunks themselves, no copy). A terminal that falls too far
 * behind is cut loose without what it missed: a screen terminal is
 * resynchronised from the emulated screen (as tmux does), a raw one (a byte
 * stream, not a screen) is ended with an End frame saying so. How far behind
 * it is (`behind`) is what the session's flow control reads.
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
  private pumpScheduled = false;
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
    if (this.state !== 'live' && this.state !== 'replaying') return;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.behind > this.limit) return this.overflow();
    if (this.state === 'live') this.schedulePump();
  }

  /** No progress for the stall bound: a screen is redrawn once it reads again. */
  markStalled(): void {
    this.stalled = true;
    if (!this.raw) this.resyncWhenDrained();
  }

  /** Start queueing live output; the caller is about to compute a replay. Returns its token. */
  beginReplay(): number {
    this.state = 'replaying';
    this.dropQueue();
    return ++this.replayToken;
  }

  /** Write the replay, then what arrived meanwhile, then go live. A stale replay is ignored. */
  finishReplay(token: number, replay: Buffer | string): void {
    if (token !== this.replayToken || this.state !== 'replaying' || this.socket.destroyed) return;
    this.writeFrame([typeof replay === 'string' ? Buffer.from(replay) : replay]);
    this.state = 'live';
    if (this.endAfterReplay) this.finish(this.end!);
    else this.pump();
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
    this.pump();
  }

  /** Last words for a terminal that lagged behind a session that has ended. */
  finishWith(finalScreen: Buffer | string, end: EndReason): void {
    if (this.state === 'finished') return;
    this.dropQueue();
    this.writeFrame([typeof finalScreen === 'string' ? Buffer.from(finalScreen) : finalScreen]);
    this.close(end);
  }

  /** The reason the session ended, if it did while this terminal was attached. */
  get endReason(): EndReason | undefined {
    return this.end;
  }

  /** Output read in one loop turn goes out in one frame, at the turn's end. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(this.pump);
  }

  /** Queued output into the socket while it has room; the end once all is out. */
  private readonly pump = (): void => {
    this.pumpScheduled = false;
    if (this.state !== 'live') return;
    while (this.queuedBytes > 0 && this.socket.writableLength < ATTACH_LOW_WATERMARK_BYTES)
      this.writeFrame(this.takeFrame());
    if (this.queuedBytes === 0 && this.end) this.close(this.end);
  };

  /** Queued chunks for one frame, up to its bound (a chunk is never split). */
  private takeFrame(): Buffer[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count]!.length <= ATTACH_FRAME_MAX_BYTES))
      bytes += this.queue[count++]!.length;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private writeFrame(chunks: Buffer[]): void {
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    if (length === 0) return;
    const { socket } = this;
    socket.cork();
    socket.write(outputHeader(length));
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
  }

  private dropQueue(): void {
    this.queue = [];
    this.queuedBytes = 0;
  }

  private close(end: EndReason): void {
    this.state = 'finished';
    this.dropQueue();
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
    this.dropQueue();
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
    this.pump();
    this.host.progressed(this);
  };
}
