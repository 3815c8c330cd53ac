// One session: its program's lifecycle, the hot path its output takes, and
// its input. Its viewers, emulated screen and detection are parts it owns
// (viewers.ts, screen.ts, detection.ts); its record is record.ts.
import { EventEmitter } from 'node:events';
import type { Attachment, YoloApproval } from '../../shared/protocol/agent.js';
import type { SessionInfo } from '../../shared/protocol/session.js';
import type { Capture, CaptureParams } from '../../shared/protocol/terminalIo.js';
import { LAST_OUTPUT_BYTES, SCROLLBACK_RING_BYTES, STOP_GRACE_MS } from '../../shared/limits.js';
import type { Backend, BackendEvents } from '../backends/backend.js';
import type { EmulatorHost } from '../emulator/host.js';
import { ScrollbackRing } from './ring.js';
import { AgentStateMachine } from '../agents/stateMachine.js';
import type { AgentOptions } from '../agents/detectorList.js';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { sessionInfo, type SessionRecord } from './record.js';
import { SessionScreen } from './screen.js';
import { Viewers } from './viewers.js';
import { Detection } from './detection.js';

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
  /** The terminals attached to it. */
  readonly viewers: Viewers;
  private readonly screen: SessionScreen;
  private backend: Backend | undefined;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  /** What the agent is doing (SPEC §10), from its hooks or its screen. */
  readonly agent: AgentStateMachine;
  /** The detectors and what they track (yolo, attachments, hooks). */
  readonly detection: Detection;
  private killTimer: NodeJS.Timeout | undefined;
  private exitWaiters: Array<() => void> = [];

  constructor(
    readonly record: SessionRecord,
    emulator: EmulatorHost,
    agentOptions: AgentOptions,
  ) {
    super();
    this.screen = new SessionScreen(emulator, record.id, this.ring);
    this.viewers = new Viewers({
      record,
      ring: this.ring,
      screen: this.screen,
      isRunning: () => this.running,
      backend: () => this.backend,
      flush: () => this.flushBatch(),
      seen: () => this.agent.seen(),
    });
    this.agent = new AgentStateMachine(record, () => this.viewers.count);
    // Waiters (kojo wait, send --wait) look again on every change, state changes included.
    this.agent.on('state', () => this.emit('change'));
    if (record.status === 'exited') {
      this.agent.state = 'exited';
      this.agent.since = record.exitedAt ?? record.createdAt;
    }
    this.detection = new Detection(
      {
        record,
        ring: this.ring,
        agent: this.agent,
        isRunning: () => this.running,
        write: (data) => {
          if (this.running) this.backend?.write(data);
        },
        screenText: () => this.screen.text(),
        approved: (approval) => {
          this.emit('approval', approval);
          this.emit('change');
        },
        attached: (attachment) => {
          this.emit('attachment', attachment);
          this.emit('change');
        },
        changed: () => this.emit('change'),
      },
      agentOptions,
    );
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
    this.detection.started();
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
    this.screen.start(this.record.lastCols, this.record.lastRows);
    try {
      this.backend = connect({
        onData: (chunk) => this.onData(chunk),
        onExit: (code, signal) => this.onExit(code, signal),
      });
      await this.backend.ready;
    } catch (error) {
      this.backend = undefined;
      this.screen.close();
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
    this.viewers.send(chunk);
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
    this.screen.feed(batch, bytes);
    this.emit('output', batch, bytes);
    this.detection.output(batch);
  };

  // --- input and screen ---------------------------------------------------

  /** Input for the program; an exited session refuses it (every caller: attach, send). */
  write(data: Buffer | string): void {
    if (!this.running || !this.backend) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
    this.detection.input();
    this.backend.write(data);
  }

  /** Hand this turn's pending output to the emulator and listeners now. */
  flushOutput(): void {
    this.flushBatch();
  }

  /** The terminal modes the program set ('' without an emulator), after all output so far. */
  terminalModes(): Promise<string> {
    this.flushBatch();
    return this.screen.modes();
  }

  /** The emulated screen as lines; an exited session's last screen. */
  capture(options: Omit<CaptureParams, 'session'>): Promise<Capture> {
    this.flushBatch();
    return this.screen.capture(options, this.record.lastCols, this.record.lastRows);
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
    if (this.screen.isOpen) {
      // Bounded: a stuck emulator thread must not hold up the daemon's exit.
      const timeout = new Promise<string>((resolve) => setTimeout(resolve, 1000, '').unref());
      modes = await Promise.race([this.screen.modes(), timeout]);
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
    this.screen.freeze();
    this.viewers.ended();
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    this.detection.exited();
    this.emit('exit', this.info());
    this.emit('change');
  }

  /** The program ended with an earlier daemon and nobody saw how. */
  markLost(): void {
    this.record.status = 'exited';
    this.record.lost = true;
    this.record.exitedAt ??= new Date().toISOString();
    this.agent.set('exited', this.agent.source);
    this.emit('change');
  }

  info(): SessionInfo {
    const pid = this.running ? this.backend?.pid : undefined;
    return sessionInfo(this.record, { attached: this.viewers.count, agent: this.agent, pid });
  }
}
