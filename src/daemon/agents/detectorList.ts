import type { HookResult, HookSource } from '../../shared/protocol/agent.js';
import type { Detector, DetectorHost } from './detector.js';
import { TOOLS } from './tools.js';
import { ScreenStateDetector } from './screenStateDetector.js';
import { YoloScreenDetector } from './yoloScreenDetector.js';
import { AttachmentTracker } from './attachmentTracker.js';
import { CODEX_SESSION_ID_LINE, GEMINI_RESUME_LINE, PrintedIdDetector } from './toolSessionIdDetector.js';
import { handleHook, type HookContext } from './hookEvents.js';

/** What the daemon's config tells the detectors. */
export interface AgentOptions {
  idleAfterMs(): number;
  hookContext(): HookContext;
}

/** The detectors of one session, run as a list; and its hook calls. */
export class DetectorList {
  private readonly detectors: Detector[];

  constructor(
    private readonly host: DetectorHost,
    private readonly options: AgentOptions,
  ) {
    // A record from the store may name a tool this kojo does not know: watch its screen.
    const spec = TOOLS[host.record.tool] ?? { hooks: undefined };
    this.detectors = [
      new YoloScreenDetector(host, spec.hooks === 'permission'),
      new ScreenStateDetector(host, options.idleAfterMs, spec.hooks === 'permission' || spec.hooks === 'hooks'),
      new AttachmentTracker(host),
    ];
    if (host.record.tool === 'codex') this.detectors.push(new PrintedIdDetector(host, CODEX_SESSION_ID_LINE, true));
    if (host.record.tool === 'gemini') this.detectors.push(new PrintedIdDetector(host, GEMINI_RESUME_LINE, false));
  }

  /** Runs once per loop turn on the turn's last 8 KB; decodes only if a detector asks. */
  output(recent: Buffer): void {
    let decoded: string | undefined;
    const text = (): string => (decoded ??= recent.toString('utf8'));
    for (const detector of this.detectors) detector.output?.(recent, text);
  }

  input(): void {
    for (const detector of this.detectors) detector.input?.();
  }

  started(): void {
    this.host.agent.restart();
    for (const detector of this.detectors) detector.started?.();
  }

  exited(): void {
    for (const detector of this.detectors) detector.exited?.();
    this.host.agent.set('exited', this.host.agent.source);
  }

  yolo(enabled: boolean): void {
    for (const detector of this.detectors) detector.yolo?.(enabled);
  }

  hook(source: HookSource, event: Record<string, unknown>): HookResult {
    return handleHook(this.host, source, event, this.options.hookContext());
  }
}
