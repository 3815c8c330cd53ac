import { HOOK_SILENCE_MS } from '../../shared/limits.js';
import type { Detector, DetectorHost } from './detector.js';
import { findApprovalMenu, normaliseForYolo } from './yoloDetector.js';

const MENU_TAIL_BYTES = 4096;
// Claude after Esc while working: no Stop hook comes (SPEC §10).
const INTERRUPTED = /Interrupted\s*·\s*What should Claude do instead\?/;
// Output that may complete a menu ends its "1. Yes" option; a flood without
// these words never costs a look at the screen.
const MENU_WORDS = ['Yes', 'yes', 'YES'].map((word) => Buffer.from(word));
const INTERRUPTED_WORD = Buffer.from('Interrupted');
const LOOK_INTERVAL_MS = 50;

/**
 * The screen as a source of state, for tools without hooks and for exec, and
 * for agents whose hooks stay silent: an approval menu visible on the
 * emulated screen → asking; output → working; quiet for `idle-after` → idle.
 * An agent with hooks is left to them for HOOK_SILENCE_MS after it starts:
 * its start-up drawing is not work.
 */
export class ScreenStateDetector implements Detector {
  private idleTimer: NodeJS.Timeout | undefined;
  /** An approval menu waits: output is its drawing until someone types. */
  private waitingForUser = false;
  /** Closed while an agent with hooks may still call them. */
  private gateOpen: boolean;
  private gateTimer: NodeJS.Timeout | undefined;
  private lastOutputAt = 0;
  /** One look at the screen at a time; output meanwhile asks for another. */
  private looking = false;
  private lookAgain = false;
  /** Output waits for a look at the screen before it counts as work. */
  private workPending = false;

  constructor(
    private readonly host: DetectorHost,
    private readonly idleAfterMs: () => number,
    private readonly hasHooks: boolean,
  ) {
    this.gateOpen = !hasHooks;
    // Also for a program adopted from an earlier daemon, which is not started here.
    if (hasHooks) this.armGate();
  }

  output(recent: Buffer): void {
    const { agent } = this.host;
    if (agent.hookDriven) {
      // Hooks speak; only the one thing they never report is read here.
      if (agent.state === 'working' && recent.includes(INTERRUPTED_WORD)) this.look();
      return;
    }
    this.lastOutputAt = Date.now();
    if (!this.gateOpen) return;
    if (this.waitingForUser) return;
    // Output that may be a menu is judged once the screen has been read:
    // a menu is asking, not work.
    if (MENU_WORDS.some((word) => recent.includes(word))) {
      this.workPending = true;
      this.look();
      return;
    }
    this.working();
  }

  private working(): void {
    this.workPending = false;
    this.host.agent.set('working', 'screen');
    this.idleIn(this.idleAfterMs());
  }

  /** Read the screen (after the output so far) for a menu, or Claude's interruption. */
  private look(): void {
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    this.looking = true;
    void this.screen()
      .then((text) => this.judge(normaliseForYolo(text)))
      .finally(() => {
        this.looking = false;
        if (!this.lookAgain) return;
        this.lookAgain = false;
        // A flood full of "yes" looks at most this often (a look may rebuild the screen).
        setTimeout(() => this.look(), LOOK_INTERVAL_MS).unref();
      });
  }

  /** The emulated screen; the raw tail where no emulator runs. */
  private async screen(): Promise<string> {
    const text = await this.host.screenText().catch(() => undefined);
    return text ?? this.host.tail(MENU_TAIL_BYTES).toString('utf8');
  }

  private judge(screen: string): void {
    const { agent } = this.host;
    if (!this.host.isRunning()) return;
    if (agent.hookDriven) {
      if (agent.state === 'working' && INTERRUPTED.test(screen)) agent.set('idle', 'screen');
      return;
    }
    if (this.waitingForUser) return;
    if (!findApprovalMenu(screen)) {
      if (this.workPending) this.working();
      return;
    }
    this.workPending = false;
    this.waitingForUser = true;
    clearTimeout(this.idleTimer);
    agent.set('asking', 'screen');
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
    this.waitingForUser = false;
    if (this.hasHooks) this.armGate();
    // A program that says nothing at all is idle after the same quiet spell.
    else this.idleIn(this.idleAfterMs());
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
