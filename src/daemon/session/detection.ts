// A session's detectors (src/daemon/agents) wired to it: what they read of
// the session, what they keep in its record (yolo approvals, attachments),
// and the calls that reach them from outside (yolo on/off, agent hooks).
import type { Attachment, HookResult, HookSource, YoloApproval } from '../../shared/protocol/agent.js';
import { ATTACHMENT_TAIL_BYTES, disabled } from '../../shared/limits.js';
import { describeAttachment } from '../agents/attachmentDetector.js';
import type { AgentStateMachine } from '../agents/stateMachine.js';
import { DetectorList, type AgentOptions } from '../agents/detectorList.js';
import type { ScrollbackRing } from './ring.js';
import type { SessionRecord } from './record.js';

const DETECTORS_OFF = disabled('detectors');

/** What the detection needs of its session; the callbacks are its events. */
export interface DetectionHost {
  readonly record: SessionRecord;
  readonly ring: ScrollbackRing;
  readonly agent: AgentStateMachine;
  isRunning(): boolean;
  /** Bytes to the program while it runs, as if typed. */
  write(data: string): void;
  screenText(): Promise<string | undefined>;
  approved(approval: YoloApproval): void;
  attached(attachment: Attachment): void;
  changed(): void;
}

export class Detection {
  private readonly detectors: DetectorList;

  constructor(
    private readonly host: DetectionHost,
    options: AgentOptions,
  ) {
    const { record, ring } = host;
    this.detectors = new DetectorList(
      {
        record,
        agent: host.agent,
        isRunning: () => host.isRunning(),
        recordedBytes: () => ring.total,
        type: (data) => {
          this.detectors.input();
          host.write(data);
        },
        tail: (bytes) => ring.tail(bytes),
        screenText: () => host.screenText(),
        approved: (approval) => {
          record.approvals.push(approval);
          host.approved(approval);
        },
        attached: (attachment) => {
          record.attachments.push(attachment);
          host.attached(attachment);
        },
        changed: () => host.changed(),
      },
      options,
    );
  }

  /** One loop turn's output, after the emulator got it. */
  output(batch: Buffer[]): void {
    if (DETECTORS_OFF) return;
    this.detectors.output(tailOf(batch, ATTACHMENT_TAIL_BYTES));
  }

  /** Someone typed into the session. */
  input(): void {
    this.detectors.input();
  }

  started(): void {
    this.detectors.started();
  }

  exited(): void {
    this.detectors.exited();
  }

  setYolo(enabled: boolean): void {
    this.host.record.yoloMode = enabled;
    this.host.changed();
    this.detectors.yolo(enabled);
  }

  /** A call from the agent's own hooks (`kojo hook`). */
  hook(source: HookSource, event: Record<string, unknown>): HookResult {
    return this.detectors.hook(source, event);
  }

  /** Tracked attachments; files that vanished are dropped. */
  attachments(): Attachment[] {
    const { record } = this.host;
    const before = record.attachments.length;
    record.attachments = record.attachments.filter((a) => describeAttachment(a.path, new Date()));
    if (record.attachments.length !== before) this.host.changed();
    return record.attachments;
  }

  untrack(file: string): boolean {
    const { record } = this.host;
    const before = record.attachments.length;
    record.attachments = record.attachments.filter((a) => a.path !== file);
    const removed = record.attachments.length !== before;
    if (removed) this.host.changed();
    return removed;
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
