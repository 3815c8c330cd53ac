import { ATTACHMENT_TAIL_BYTES } from '../../shared/limits.js';
import type { Detector, DetectorHost } from './detector.js';
import { AttachmentDetector, describeAttachment, mentionsMedia } from './attachmentDetector.js';

/** Media files named in output become the session's attachments (SPEC §6). */
export class AttachmentTracker implements Detector {
  private detector: AttachmentDetector;

  constructor(private readonly host: DetectorHost) {
    this.detector = new AttachmentDetector(host.record.workDir, host.record.env.HOME);
  }

  output(recent: Buffer): void {
    if (!mentionsMedia(recent)) return;
    const window = this.host.tail(ATTACHMENT_TAIL_BYTES).toString('utf8');
    for (const file of this.detector.scan(window)) this.track(file);
  }

  started(): void {
    this.detector = new AttachmentDetector(this.host.record.workDir, this.host.record.env.HOME);
  }

  private track(file: string): void {
    if (this.host.record.attachments.some((a) => a.path === file)) return;
    const attachment = describeAttachment(file, new Date());
    if (attachment) this.host.attached(attachment);
  }
}
