import type { Detector, DetectorHost } from './detector.js';
import { findApprovalMenu, normaliseForYolo } from './yoloDetector.js';

const MENU_TAIL_CHARS = 4096;
// Claude after Esc while working: no Stop hook comes (SPEC §10).
const INTERRUPTED = /Interrupted\s*·\s*What should Claude do instead\?/;

/**
 * The screen as a source of state, for tools without hooks and for exec, and
 * for agents whose hooks stay silent: a visible approval menu → asking;
 * output → working; quiet for `idle-after` → idle.
 */
export class ScreenStateDetector implements Detector {
  private tail = '';
  private idleTimer: NodeJS.Timeout | undefined;
  /** An approval menu waits: output is its drawing until someone types. */
  private waitingForUser = false;

  constructor(
    private readonly host: DetectorHost,
    private readonly idleAfterMs: () => number,
  ) {}

  output(_recent: Buffer, text: () => string): void {
    const { agent } = this.host;
    if (agent.hookDriven) {
      // Hooks speak; only the one thing they never report is read here.
      if (agent.state === 'working' && INTERRUPTED.test(normaliseForYolo(text()))) agent.set('idle', 'screen');
      return;
    }
    this.tail = (this.tail + text()).slice(-MENU_TAIL_CHARS);
    if (findApprovalMenu(normaliseForYolo(this.tail))) {
      this.tail = '';
      this.waitingForUser = true;
      clearTimeout(this.idleTimer);
      agent.set('asking', 'screen');
      return;
    }
    if (this.waitingForUser) return;
    agent.set('working', 'screen');
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (!agent.hookDriven && this.host.isRunning() && agent.state === 'working') agent.set('idle', 'screen');
    }, this.idleAfterMs());
    this.idleTimer.unref();
  }

  input(): void {
    this.waitingForUser = false;
  }

  started(): void {
    this.tail = '';
    this.waitingForUser = false;
  }

  exited(): void {
    clearTimeout(this.idleTimer);
  }
}
