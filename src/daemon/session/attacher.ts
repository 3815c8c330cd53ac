import type { Socket } from 'node:net';
import { ATTACHER_QUEUE_BYTES, RAW_ATTACHER_QUEUE_BYTES } from '../../shared/limits.js';

/**
 * One attached terminal on the daemon side. Live output is written straight
 * to its socket; while a replay is being prepared, output is queued; when the
 * socket's backlog passes ATTACHER_QUEUE_BYTES the terminal is "lagging":
 * output is discarded until the socket drains, then it is resynchronised from
 * the emulated screen (as tmux does). A raw attacher (a byte stream, not a
 * screen) is dropped instead: a screen spliced into its bytes would corrupt
 * them. The session never waits for either.
 */
export class Attacher {
  private state: 'replaying' | 'live' | 'lagging' | 'finished' = 'replaying';
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private endAfterReplay = false;
  private pendingResync = false;

  private readonly limit: number;

  constructor(
    readonly socket: Socket,
    readonly readOnly: boolean,
    private readonly raw: boolean,
    private readonly resync: (attacher: Attacher) => void,
  ) {
    this.limit = raw ? RAW_ATTACHER_QUEUE_BYTES : ATTACHER_QUEUE_BYTES;
  }

  get isLive(): boolean {
    return this.state === 'live';
  }

  send(chunk: Buffer): void {
    switch (this.state) {
      case 'live':
        if (this.socket.writableLength > this.limit) {
          if (this.raw) return this.drop();
          this.state = 'lagging';
          this.socket.once('drain', () => this.resync(this));
          return;
        }
        this.socket.write(chunk);
        return;
      case 'replaying':
        this.queued.push(chunk);
        this.queuedBytes += chunk.length;
        if (this.queuedBytes > this.limit) {
          if (this.raw) return this.drop();
          // Too much went by during the replay: the next replay covers it.
          this.queued = [];
          this.queuedBytes = 0;
          this.state = 'lagging';
          this.pendingResync = true;
        }
        return;
      default:
        return;
    }
  }

  /** Start buffering live output; the caller is about to compute a replay. */
  beginReplay(): void {
    this.state = 'replaying';
    this.queued = [];
    this.queuedBytes = 0;
    this.pendingResync = false;
  }

  /** Write the replay, then what arrived meanwhile, then go live. */
  finishReplay(replay: Buffer | string): void {
    if (this.state === 'finished' || this.socket.destroyed) return;
    if (this.pendingResync) {
      this.pendingResync = false;
      this.resync(this);
      return;
    }
    this.socket.write(replay);
    for (const chunk of this.queued) this.socket.write(chunk);
    this.queued = [];
    this.queuedBytes = 0;
    this.state = 'live';
    if (this.endAfterReplay) this.finish();
  }

  /**
   * The session ended: deliver what is queued, then close. A lagging terminal
   * is closed by its pending resync, which then shows the final screen.
   */
  finish(): void {
    if (this.state === 'finished' || this.state === 'lagging') return;
    if (this.state === 'replaying') {
      this.endAfterReplay = true;
      return;
    }
    this.state = 'finished';
    this.socket.end();
  }

  /** The stream cannot be kept whole: end it here, what is unsent with it. */
  private drop(): void {
    this.state = 'finished';
    this.queued = [];
    this.socket.destroy();
  }

  /** Last words for a terminal that lagged behind a session that has ended. */
  finishWith(finalScreen: Buffer | string): void {
    this.state = 'finished';
    this.socket.end(finalScreen);
  }
}
