import { ATTACH_HIGH_WATERMARK_BYTES, ATTACH_LOW_WATERMARK_BYTES, ATTACH_STALL_MS } from '../../shared/limits.js';
import type { Attacher } from './attacher.js';

/** The part of a backend flow control drives. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/**
 * Paces a session's program to its attached terminals, as VS Code's pty host
 * does: when every terminal still counted is more than the high watermark
 * behind, stop reading the program's output; read again as soon as one is
 * back under the low watermark. A terminal that has not read for the stall
 * bound stops being counted, so it never holds the others back for longer.
 * With nobody attached, nothing is paused.
 */
export class FlowControl {
  private paused = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attachers: ReadonlySet<Attacher>,
    private readonly backend: () => Pausable | undefined,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** After output went to every terminal: pause if all are too far behind. */
  afterSend(): void {
    if (!this.paused && this.allBehind()) this.pause();
  }

  /** A terminal read some of its backlog, or left. */
  progressed(attacher: Attacher | undefined): void {
    if (!this.paused) return;
    if (attacher ? attacher.behind < ATTACH_LOW_WATERMARK_BYTES : !this.allBehind()) this.resume();
  }

  /** Read at full speed again (the program ended, or nobody is attached). */
  release(): void {
    if (this.paused) this.resume();
  }

  private allBehind(): boolean {
    let counted = false;
    for (const attacher of this.attachers) {
      if (!attacher.holdsBack) continue;
      if (attacher.behind <= ATTACH_HIGH_WATERMARK_BYTES) return false;
      counted = true;
    }
    return counted;
  }

  private pause(): void {
    this.paused = true;
    this.backend()?.pause();
    for (const attacher of this.attachers) attacher.checkpoint = attacher.behind;
    this.stallTimer = setTimeout(this.checkStalls, ATTACH_STALL_MS);
  }

  private resume(): void {
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.backend()?.resume();
  }

  /** Terminals that read nothing for the stall bound stop being waited for. */
  private readonly checkStalls = (): void => {
    const now = Date.now();
    for (const attacher of this.attachers) {
      // Progress is a drained socket, or a backlog smaller than at the last look.
      const idle = now - attacher.lastProgress >= ATTACH_STALL_MS && attacher.behind >= attacher.checkpoint;
      if (attacher.holdsBack && idle) attacher.markStalled();
      attacher.checkpoint = attacher.behind;
    }
    if (!this.allBehind()) this.resume();
    else this.stallTimer = setTimeout(this.checkStalls, ATTACH_STALL_MS);
  };
}
