import { HOOK_SILENCE_MS, YOLO_RESPONSE_DELAY_MS, YOLO_TAIL_BYTES } from '../../shared/limits.js';
import type { Detector, DetectorHost } from './detector.js';
import { YoloDetector } from './yoloDetector.js';

/**
 * Yolo by typing Enter at an approval menu (SPEC §5): only for tools without a
 * permission hook, or whose hooks have stayed silent past HOOK_SILENCE_MS.
 * While hooks answer, the dialog drawn during a PermissionRequest is theirs.
 */
export class YoloScreenDetector implements Detector {
  private matcher = new YoloDetector();
  /** Recorded bytes at the last answered prompt: output before it is never matched again. */
  private clearedAt = 0;
  private startedAt = Date.now();

  constructor(
    private readonly host: DetectorHost,
    private readonly hasPermissionHook: boolean,
  ) {}

  private get active(): boolean {
    const { agent, record } = this.host;
    if (!record.yoloMode || agent.hookDriven) return false;
    return !this.hasPermissionHook || Date.now() - this.startedAt >= HOOK_SILENCE_MS;
  }

  output(recent: Buffer): void {
    if (!this.host.record.yoloMode) return;
    const matched = this.matcher.push(recent.subarray(-YOLO_TAIL_BYTES).toString('utf8'));
    if (matched && this.active) this.approve(matched);
  }

  started(): void {
    this.matcher = new YoloDetector();
    this.startedAt = Date.now();
  }

  yolo(enabled: boolean): void {
    if (!enabled || !this.host.isRunning() || !this.active) return;
    // A prompt already on screen is answered now: look at the output since
    // the last answered prompt (at most 4 KB).
    this.matcher = new YoloDetector();
    const fresh = Math.min(YOLO_TAIL_BYTES, this.host.recordedBytes() - this.clearedAt);
    const matched = fresh > 0 ? this.matcher.push(this.host.tail(fresh).toString('utf8')) : undefined;
    if (matched) this.approve(matched);
  }

  private approve(matched: string): void {
    this.clearedAt = this.host.recordedBytes();
    this.host.approved({ time: new Date().toISOString(), matched, via: 'screen' });
    setTimeout(() => {
      if (this.host.record.yoloMode && this.host.isRunning()) this.host.type('\r');
    }, YOLO_RESPONSE_DELAY_MS);
  }
}
