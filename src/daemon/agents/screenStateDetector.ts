import { HOOK_SILENCE_MS } from '../../shared/limits.js';
import type { Detector, DetectorHost } from './detector.js';
import { findApprovalMenu, normaliseForYolo } from './yoloDetector.js';

const MENU_TAIL_CHARS = 4096;
// Claude after Esc while working: no Stop hook comes (SPEC §10).
const INTERRUPTED = /Interrupted\s*·\s*What should Claude do instead\?/;

/**
 * The screen as a source of state, for tools without hooks and for exec, and
 * for agents whose hooks stay silent: a visible approval menu → asking;
 * output → working; quiet for `idle-after` → idle. An agent with hooks is
 * left to them for HOOK_SILENCE_MS after it starts: its start-up drawing is
 * not work.
 */
export class ScreenStateDetector implements Detector {
  private tail = '';
  private idleTimer: NodeJS.Timeout | undefined;
  /** An approval menu waits: output is its drawing until someone types. */
  private waitingForUser = false;
  /** Closed while an agent with hooks may still call them. */
  private gateOpen: boolean;
  private gateTimer: NodeJS.Timeout | undefined;
  private lastOutputAt = 0;

  constructor(
    private readonly host: DetectorHost,
    private readonly idleAfterMs: () => number,
    private readonly hasHooks: boolean,
  ) {
    this.gateOpen = !hasHooks;
    // Also for a program adopted from an earlier daemon, which is not started here.
    if (hasHooks) this.armGate();
  }

  output(_recent: Buffer, text: () => string): void {
    const { agent } = this.host;
    if (agent.hookDriven) {
      // Hooks speak; only the one thing they never report is read here.
      if (agent.state === 'working' && INTERRUPTED.test(normaliseForYolo(text()))) agent.set('idle', 'screen');
      return;
    }
    this.tail = (this.tail + text()).slice(-MENU_TAIL_CHARS);
    this.lastOutputAt = Date.now();
    if (!this.gateOpen) return;
    if (findApprovalMenu(normaliseForYolo(this.tail))) {
      this.tail = '';
      this.waitingForUser = true;
      clearTimeout(this.idleTimer);
      agent.set('asking', 'screen');
      return;
    }
    if (this.waitingForUser) return;
    agent.set('working', 'screen');
    this.idleIn(this.idleAfterMs());
  }

  private idleIn(ms: number): void {
    const { agent } = this.host;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (agent.hookDriven || !this.host.isRunning()) return;
      if (agent.state === 'working' || agent.state === 'starting') agent.set('idle', 'screen');
    }, ms);
    this.idleTimer.unref();
  }

  input(): void {
    this.waitingForUser = false;
  }

  started(): void {
    this.tail = '';
    this.waitingForUser = false;
    if (this.hasHooks) this.armGate();
  }

  private armGate(): void {
    this.gateOpen = false;
    clearTimeout(this.gateTimer);
    // Hooks silent this long: an old version; the screen takes over, and stateSource says so.
    this.gateTimer = setTimeout(() => {
      if (this.host.agent.hookDriven) return;
      this.gateOpen = true;
      this.idleIn(Math.max(0, this.lastOutputAt + this.idleAfterMs() - Date.now()));
    }, HOOK_SILENCE_MS);
    this.gateTimer.unref();
  }

  exited(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.gateTimer);
  }
}
