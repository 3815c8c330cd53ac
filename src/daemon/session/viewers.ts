// The terminals attached to one session and how they are kept drawn: the
// replay that brings a new one up to date (emulated screen or raw record),
// the flow control that paces the program to them, resizes, and the end.
import type { Socket } from 'node:net';
import { CLEAR_FOR_REPLAY } from '../../shared/terminal.js';
import type { EndReason } from '../../shared/attachStream.js';
import type { Backend } from '../backends/backend.js';
import { Attacher, type AttacherHost } from './attacher.js';
import { FlowControl } from './flowControl.js';
import type { ScrollbackRing } from './ring.js';
import type { SessionScreen } from './screen.js';
import type { SessionRecord } from './record.js';

/** What the viewers need of their session. */
export interface ViewersHost {
  readonly record: SessionRecord;
  readonly ring: ScrollbackRing;
  readonly screen: SessionScreen;
  isRunning(): boolean;
  backend(): Backend | undefined;
  /** Hand this turn's pending output to the emulator before its screen is read. */
  flush(): void;
  /** A terminal attached: what the agent shows now is seen. */
  seen(): void;
}

export interface AttachOptions {
  cols: number;
  rows: number;
  readOnly: boolean;
  raw: boolean;
}

export class Viewers {
  private readonly attachers = new Set<Attacher>();
  private readonly flow: FlowControl;
  private readonly attacherHost: AttacherHost = {
    resync: (attacher) => void this.replayTo(attacher),
    progressed: (attacher) => this.flow.progressed(attacher),
    ended: (attacher) => this.detach(attacher),
  };

  constructor(private readonly session: ViewersHost) {
    this.flow = new FlowControl(this.attachers, () => session.backend());
  }

  get count(): number {
    return this.attachers.size;
  }

  /** Hot path: the same buffer to every terminal; the program pauses when all fall behind. */
  send(chunk: Buffer): void {
    if (!this.attachers.size) return;
    for (const attacher of this.attachers) attacher.send(chunk);
    this.flow.afterSend();
  }

  attach(socket: Socket, options: AttachOptions): Attacher {
    const { cols, rows, readOnly, raw } = options;
    const attacher = new Attacher(socket, readOnly, raw, cols, rows, this.attacherHost);
    this.attachers.add(attacher);
    this.session.seen();
    socket.once('close', () => this.detach(attacher));
    if (this.session.isRunning() && !readOnly) this.resize(cols, rows, attacher);
    if (raw) {
      this.replayRaw(attacher);
    } else {
      void this.replayTo(attacher, !readOnly);
    }
    return attacher;
  }

  private detach(attacher: Attacher): void {
    if (this.attachers.delete(attacher)) this.flow.progressed(undefined);
  }

  private async replayTo(attacher: Attacher, redraw = false): Promise<void> {
    const { screen } = this.session;
    if (!this.session.isRunning() && screen.final) {
      attacher.beginReplay();
      attacher.finishWith(CLEAR_FOR_REPLAY + (await screen.final).data, this.endedHow());
      return;
    }
    // No screen to show (emulator off, or exited before this daemon): the record.
    if (!screen.isOpen) return this.replayRaw(attacher);
    const token = attacher.beginReplay();
    this.session.flush();
    const serialized = await screen.serialize({ cols: attacher.cols, rows: attacher.rows });
    attacher.finishReplay(token, CLEAR_FOR_REPLAY + serialized.data);
    // Linux sends no SIGWINCH for an unchanged size: nudge a full-screen
    // program into redrawing for its new viewer.
    if (redraw && serialized.alternate) this.jiggle();
  }

  /** The recorded bytes, then live; synchronous, so no output slips between. */
  private replayRaw(attacher: Attacher): void {
    attacher.finishReplay(attacher.beginReplay(), this.session.ring.bytes());
    if (!this.session.isRunning()) attacher.finish(this.endedHow());
  }

  private endedHow(): EndReason {
    const { exitCode, exitSignal, lost } = this.session.record;
    if (lost) return { reason: 'lost' };
    const end: EndReason = { reason: 'exited' };
    if (exitCode !== undefined) end.code = exitCode;
    if (exitSignal !== undefined) end.signal = exitSignal;
    return end;
  }

  private jiggle(): void {
    const { record } = this.session;
    const { lastCols: cols, lastRows: rows } = record;
    this.session.backend()?.resize(cols, rows > 1 ? rows - 1 : rows + 1);
    setTimeout(() => this.session.backend()?.resize(record.lastCols, record.lastRows), 50);
  }

  /**
   * The latest resize sets the size. Every other terminal is redrawn from the
   * emulated screen at the new size: the program redraws only its own area,
   * so a larger terminal would keep leftovers outside it.
   */
  resize(cols: number, rows: number, from?: Attacher): void {
    if (cols < 1 || rows < 1) return;
    if (from) {
      from.cols = cols;
      from.rows = rows;
    }
    const { record, screen } = this.session;
    if (cols === record.lastCols && rows === record.lastRows) return;
    record.lastCols = cols;
    record.lastRows = rows;
    this.session.backend()?.resize(cols, rows);
    if (!screen.isOpen) return;
    screen.resize(cols, rows);
    for (const attacher of this.attachers) {
      if (attacher !== from && !attacher.raw && attacher.holdsBack) void this.replayTo(attacher);
    }
  }

  /** The program exited: read at full speed again, and end every terminal's stream. */
  ended(): void {
    this.flow.release();
    for (const attacher of this.attachers) attacher.finish(this.endedHow());
  }
}
