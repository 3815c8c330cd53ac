import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type {
  Attachment,
  Capture,
  CaptureParams,
  HookResult,
  HookSource,
  SessionInfo,
  SessionStatus,
  ToolName,
  YoloApproval,
} from '../../shared/protocol.js';
import {
  ATTACHMENT_TAIL_BYTES,
  LAST_OUTPUT_BYTES,
  SCROLLBACK_RING_BYTES,
  STOP_GRACE_MS,
  disabled,
} from '../../shared/limits.js';
import { CLEAR_FOR_REPLAY } from '../../shared/terminal.js';
import type { Backend, BackendEvents, BackendState } from '../backends/backend.js';
import type { EmulatorHost, SerializedScreen } from '../emulator/host.js';
import { ScrollbackRing } from './ring.js';
import { Attacher, type AttacherHost } from './attacher.js';
import { FlowControl } from './flowControl.js';
import type { EndReason } from '../../shared/attachStream.js';
import { describeAttachment } from '../agents/attachmentDetector.js';
import { AgentStateMachine } from '../agents/stateMachine.js';
import { DetectorList, type AgentOptions } from '../agents/detectorList.js';
import type { DetectorHost } from '../agents/detector.js';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { captureExited } from './capture.js';

const EMULATOR_OFF = disabled('emulator');
const DETECTORS_OFF = disabled('detectors');

/** What the store keeps of a session. */
export interface SessionRecord {
  id: string;
  name?: string;
  tool: ToolName;
  workDir: string;
  /** The user's arguments, as given (for exec: program first). */
  args: string[];
  /** Absolute path of the program run. */
  command: string;
  env: Record<string, string>;
  status: SessionStatus;
  exitCode?: number;
  exitSignal?: string;
  yoloMode: boolean;
  approvals: YoloApproval[];
  internal?: boolean;
  createdAt: string;
  exitedAt?: string;
  toolSessionId?: string;
  parentId?: string;
  /** Which backend holds the program, and that backend's own state. */
  backend: BackendState;
  /** It ended with an earlier daemon and nobody saw how (exit code unknown). */
  lost?: boolean;
  lastCols: number;
  lastRows: number;
  attachments: Attachment[];
  /** Last 8 KB of output, base64 (bytes, not text). */
  lastOutput?: string;
  baseUrl?: string;
}

export interface SessionEvents {
  approval: [YoloApproval];
  attachment: [Attachment];
  exit: [SessionInfo];
  change: [];
  /** Output of one loop turn, after the emulator got it (output log, waiters). */
  output: [Buffer[], number];
}

/** Starts the program for a session: a direct PTY or a tmux pane. */
export type BackendFactory = (session: Session, args: string[], events: BackendEvents) => Backend;

/**
 * One program and everything kojo keeps about it. The hot path is onData:
 * record in the ring, hand the same buffer to every attached terminal, and
 * queue it for the emulator and detectors, which run once per loop turn.
 */
export class Session extends EventEmitter<SessionEvents> {
  readonly ring = new ScrollbackRing(SCROLLBACK_RING_BYTES);
  private backend: Backend | undefined;
  private readonly attachers = new Set<Attacher>();
  private readonly flow = new FlowControl(this.attachers, () => this.backend);
  private readonly attacherHost: AttacherHost = {
    resync: (attacher) => void this.replayTo(attacher),
    progressed: (attacher) => this.flow.progressed(attacher),
    ended: (attacher) => this.detach(attacher),
  };
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  private emulatorOpen = false;
  private finalScreen: Promise<SerializedScreen> | undefined;
  /** What the agent is doing (SPEC §10), from its hooks or its screen. */
  readonly agent: AgentStateMachine;
  private readonly detectors: DetectorList;
  private killTimer: NodeJS.Timeout | undefined;
  private exitWaiters: Array<() => void> = [];

  constructor(
    readonly record: SessionRecord,
    private readonly emulator: EmulatorHost,
    agentOptions: AgentOptions,
  ) {
    super();
    this.agent = new AgentStateMachine(record, () => this.attachers.size);
    // Waiters (kojo wait, send --wait) look again on every change, state changes included.
    this.agent.on('state', () => this.emit('change'));
    if (record.status === 'exited') {
      this.agent.state = 'exited';
      this.agent.since = record.exitedAt ?? record.createdAt;
    }
    this.detectors = new DetectorList(this.detectorHost(), agentOptions);
    if (record.lastOutput) this.ring.write(Buffer.from(record.lastOutput, 'base64'));
  }

  get id(): string {
    return this.record.id;
  }

  get running(): boolean {
    return this.record.status === 'running';
  }

  get pid(): number | undefined {
    return this.backend?.pid;
  }

  /** Start (or restart) the program with these arguments. */
  async start(factory: BackendFactory, args: string[]): Promise<void> {
    const { record } = this;
    record.status = 'running';
    delete record.exitCode;
    delete record.exitSignal;
    delete record.exitedAt;
    delete record.lost;
    this.detectors.started();
    await this.watch((events) => factory(this, args, events));
  }

  /**
   * Watch a program that is already running (a tmux pane adopted after a
   * daemon restart), its scrollback seeded with what tmux still holds.
   */
  async adopt(seed: Buffer, backend: (events: BackendEvents) => Backend): Promise<void> {
    this.ring.clear();
    this.ring.write(seed);
    await this.watch(backend);
  }

  private async watch(connect: (events: BackendEvents) => Backend): Promise<void> {
    this.openEmulator();
    try {
      this.backend = connect({
        onData: (chunk) => this.onData(chunk),
        onExit: (code, signal) => this.onExit(code, signal),
      });
      await this.backend.ready;
    } catch (error) {
      this.backend = undefined;
      this.closeEmulator();
      throw error;
    }
  }

  /** The program ended while no daemon watched; tmux kept its status and output. */
  finishUnwatched(code: number | undefined, signal: string | undefined, output: Buffer): void {
    this.ring.clear();
    this.ring.write(output);
    this.onExit(code, signal);
  }

  // --- hot path -----------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.ring.write(chunk);
    if (this.attachers.size) {
      for (const attacher of this.attachers) attacher.send(chunk);
      this.flow.afterSend();
    }
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushBatch);
    }
  }

  /** Emulator and detectors, once per loop turn, after output has gone out. */
  private readonly flushBatch = (): void => {
    this.flushScheduled = false;
    if (this.batchBytes === 0) return;
    const batch = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (this.emulatorOpen) this.emulator.feed(this.id, batch, bytes);
    this.emit('output', batch, bytes);
    if (DETECTORS_OFF) return;
    this.detectors.output(tailOf(batch, ATTACHMENT_TAIL_BYTES));
  };

  // --- detectors (src/daemon/agents) ---------------------------------------

  private detectorHost(): DetectorHost {
    return {
      record: this.record,
      agent: this.agent,
      isRunning: () => this.running,
      recordedBytes: () => this.ring.total,
      type: (data) => {
        this.detectors.input();
        if (this.running) this.backend?.write(data);
      },
      tail: (bytes) => this.ring.tail(bytes),
      screenText: async () =>
        this.emulatorOpen ? (await this.emulator.capture(this.id, {})).lines.join('\n') : undefined,
      approved: (approval) => {
        this.record.approvals.push(approval);
        this.emit('approval', approval);
        this.emit('change');
      },
      attached: (attachment) => {
        this.record.attachments.push(attachment);
        this.emit('attachment', attachment);
        this.emit('change');
      },
      changed: () => this.emit('change'),
    };
  }

  setYolo(enabled: boolean): void {
    this.record.yoloMode = enabled;
    this.emit('change');
    this.detectors.yolo(enabled);
  }

  /** A call from the agent's own hooks (`kojo hook`). */
  hook(source: HookSource, event: Record<string, unknown>): HookResult {
    return this.detectors.hook(source, event);
  }

  /** Tracked attachments; files that vanished are dropped. */
  attachments(): Attachment[] {
    const before = this.record.attachments.length;
    this.record.attachments = this.record.attachments.filter((a) => describeAttachment(a.path, new Date()));
    if (this.record.attachments.length !== before) this.emit('change');
    return this.record.attachments;
  }

  untrack(file: string): boolean {
    const before = this.record.attachments.length;
    this.record.attachments = this.record.attachments.filter((a) => a.path !== file);
    const removed = this.record.attachments.length !== before;
    if (removed) this.emit('change');
    return removed;
  }

  // --- attach -------------------------------------------------------------

  attach(socket: Socket, options: { cols: number; rows: number; readOnly: boolean; raw: boolean }): Attacher {
    const { cols, rows, readOnly, raw } = options;
    const attacher = new Attacher(socket, readOnly, raw, cols, rows, this.attacherHost);
    this.attachers.add(attacher);
    this.agent.seen();
    socket.once('close', () => this.detach(attacher));
    if (this.running && !readOnly) this.resize(cols, rows, attacher);
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

  get attachedCount(): number {
    return this.attachers.size;
  }

  private async replayTo(attacher: Attacher, redraw = false): Promise<void> {
    if (!this.running && this.finalScreen) {
      attacher.beginReplay();
      attacher.finishWith(CLEAR_FOR_REPLAY + (await this.finalScreen).data, this.endedHow());
      return;
    }
    // No screen to show (emulator off, or exited before this daemon): the record.
    if (!this.emulatorOpen) return this.replayRaw(attacher);
    const token = attacher.beginReplay();
    this.flushBatch();
    const screen = await this.emulator.serialize(this.id, { cols: attacher.cols, rows: attacher.rows });
    attacher.finishReplay(token, CLEAR_FOR_REPLAY + screen.data);
    // Linux sends no SIGWINCH for an unchanged size: nudge a full-screen
    // program into redrawing for its new viewer.
    if (redraw && screen.alternate) this.jiggle();
  }

  /** The recorded bytes, then live; synchronous, so no output slips between. */
  private replayRaw(attacher: Attacher): void {
    attacher.finishReplay(attacher.beginReplay(), this.ring.bytes());
    if (!this.running) attacher.finish(this.endedHow());
  }

  private endedHow(): EndReason {
    const { exitCode, exitSignal } = this.record;
    if (this.record.lost) return { reason: 'lost' };
    const end: EndReason = { reason: 'exited' };
    if (exitCode !== undefined) end.code = exitCode;
    if (exitSignal !== undefined) end.signal = exitSignal;
    return end;
  }

  private jiggle(): void {
    const { lastCols: cols, lastRows: rows } = this.record;
    this.backend?.resize(cols, rows > 1 ? rows - 1 : rows + 1);
    setTimeout(() => this.backend?.resize(this.record.lastCols, this.record.lastRows), 50);
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
    if (cols === this.record.lastCols && rows === this.record.lastRows) return;
    this.record.lastCols = cols;
    this.record.lastRows = rows;
    this.backend?.resize(cols, rows);
    if (!this.emulatorOpen) return;
    this.emulator.resize(this.id, cols, rows);
    for (const attacher of this.attachers) {
      if (attacher !== from && !attacher.raw && attacher.holdsBack) void this.replayTo(attacher);
    }
  }

  /** Input for the program; an exited session refuses it (every caller: attach, send). */
  write(data: Buffer | string): void {
    if (!this.running || !this.backend) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
    this.detectors.input();
    this.backend.write(data);
  }

  /** Hand this turn's pending output to the emulator and listeners now. */
  flushOutput(): void {
    this.flushBatch();
  }

  /** The terminal modes the program set ('' without an emulator), after all output so far. */
  terminalModes(): Promise<string> {
    this.flushBatch();
    return this.emulatorOpen ? this.emulator.modes(this.id) : Promise.resolve('');
  }

  /** The emulated screen as lines; an exited session's last screen. */
  capture(options: Omit<CaptureParams, 'session'>): Promise<Capture> {
    this.flushBatch();
    if (this.emulatorOpen) return this.emulator.capture(this.id, options);
    const { lastCols: cols, lastRows: rows } = this.record;
    return captureExited(
      this.emulator,
      { id: this.id, cols, rows },
      this.finalScreen,
      () => this.ring.bytes(),
      options,
    );
  }

  // --- lifecycle ----------------------------------------------------------

  /** SIGTERM (or kill the tmux session), SIGKILL after the grace period. */
  stop(): Promise<void> {
    if (!this.running || !this.backend) return Promise.resolve();
    const exited = this.whenExited();
    this.backend.terminate();
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => this.backend?.kill(), STOP_GRACE_MS);
    return exited;
  }

  /** Stop watching, leave the program running (tmux-backed, at daemon shutdown). */
  async leaveRunning(): Promise<void> {
    let modes = '';
    if (this.emulatorOpen) {
      // Bounded: a stuck emulator thread must not hold up the daemon's exit.
      const timeout = new Promise<string>((resolve) => setTimeout(resolve, 1000, '').unref());
      modes = await Promise.race([this.emulator.modes(this.id), timeout]);
    }
    // The backend keeps what it cannot report itself.
    this.backend?.detach(modes);
  }

  whenExited(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private onExit(code: number | undefined, signal: string | undefined): void {
    clearTimeout(this.killTimer);
    this.flushBatch();
    const { record } = this;
    record.status = 'exited';
    if (code !== undefined) record.exitCode = code;
    if (signal) record.exitSignal = signal;
    record.exitedAt = new Date().toISOString();
    record.lastOutput = this.ring.tail(LAST_OUTPUT_BYTES).toString('base64');
    if (this.emulatorOpen) this.finalScreen = this.emulator.serialize(this.id);
    this.closeEmulator();
    this.flow.release();
    for (const attacher of this.attachers) attacher.finish(this.endedHow());
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    this.detectors.exited();
    this.emit('exit', this.info());
    this.emit('change');
  }

  private closeEmulator(): void {
    if (!this.emulatorOpen) return;
    this.emulatorOpen = false;
    this.emulator.close(this.id);
  }

  private openEmulator(): void {
    if (this.emulatorOpen || EMULATOR_OFF) return;
    this.finalScreen = undefined;
    this.emulator.open(this.id, this.record.lastCols, this.record.lastRows, () => this.ring.bytes());
    this.emulatorOpen = true;
    // Restarted sessions keep their scrollback: seed the screen with it.
    if (this.ring.size) {
      const seed = this.ring.bytes();
      this.emulator.feed(this.id, [seed], seed.length);
    }
  }

  /** The program ended with an earlier daemon and nobody saw how. */
  markLost(): void {
    this.record.status = 'exited';
    this.record.lost = true;
    this.record.exitedAt ??= new Date().toISOString();
    this.agent.set('exited', this.agent.source);
    this.emit('change');
  }

  // --- views --------------------------------------------------------------

  info(): SessionInfo {
    const r = this.record;
    const info: SessionInfo = {
      id: r.id,
      tool: r.tool,
      workDir: r.workDir,
      args: r.args,
      command: r.command,
      status: r.status,
      yoloMode: r.yoloMode,
      yoloApprovals: r.approvals.length,
      createdAt: r.createdAt,
      lastCols: r.lastCols,
      lastRows: r.lastRows,
      attachments: r.attachments,
      attached: this.attachers.size,
      state: this.agent.state,
      stateSince: this.agent.since,
      stateSource: this.agent.source,
      attention: this.agent.attention,
    };
    if (r.name !== undefined) info.name = r.name;
    if (r.exitCode !== undefined) info.exitCode = r.exitCode;
    if (r.exitSignal !== undefined) info.exitSignal = r.exitSignal;
    if (r.internal) info.internal = true;
    if (r.exitedAt !== undefined) info.exitedAt = r.exitedAt;
    if (r.toolSessionId !== undefined) info.toolSessionId = r.toolSessionId;
    if (r.parentId !== undefined) info.parentId = r.parentId;
    if (r.backend.kind === 'tmux') info.tmuxSessionName = r.backend.session;
    if (r.lost) info.lost = true;
    if (this.running && this.backend?.pid !== undefined) info.pid = this.backend.pid;
    return info;
  }
}

/** The last `n` bytes of a list of chunks, copying only those. */
function tailOf(chunks: Buffer[], n: number): Buffer {
  let size = 0;
  let first = chunks.length;
  while (first > 0 && size < n) size += chunks[--first]!.length;
  const tail = first === chunks.length - 1 ? chunks[first]! : Buffer.concat(chunks.slice(first));
  return tail.length > n ? tail.subarray(tail.length - n) : tail;
}
