// The emulated screen of one session: open in the emulator thread while the
// program runs, its last screen kept once it exits. The one place a session
// talks to the emulator, so open/closed is tracked once.
import type { Capture, CaptureParams } from '../../shared/protocol/terminalIo.js';
import { disabled } from '../../shared/limits.js';
import type { EmulatorHost, SerializedScreen } from '../emulator/host.js';
import type { ScrollbackRing } from './ring.js';
import { captureExited } from './capture.js';

const EMULATOR_OFF = disabled('emulator');

export class SessionScreen {
  private open = false;
  private finalScreen: Promise<SerializedScreen> | undefined;

  constructor(
    private readonly emulator: EmulatorHost,
    private readonly id: string,
    private readonly ring: ScrollbackRing,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** The screen as the program left it; undefined while it runs or when it was never emulated. */
  get final(): Promise<SerializedScreen> | undefined {
    return this.finalScreen;
  }

  start(cols: number, rows: number): void {
    if (this.open || EMULATOR_OFF) return;
    this.finalScreen = undefined;
    this.emulator.open(this.id, cols, rows, () => this.ring.bytes());
    this.open = true;
    // Restarted sessions keep their scrollback: seed the screen with it.
    if (this.ring.size) {
      const seed = this.ring.bytes();
      this.emulator.feed(this.id, [seed], seed.length);
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.emulator.close(this.id);
  }

  /** The program exited: keep its last screen, then close. */
  freeze(): void {
    if (this.open) this.finalScreen = this.emulator.serialize(this.id);
    this.close();
  }

  feed(batch: Buffer[], bytes: number): void {
    if (this.open) this.emulator.feed(this.id, batch, bytes);
  }

  resize(cols: number, rows: number): void {
    this.emulator.resize(this.id, cols, rows);
  }

  /** The screen for one viewer's size. */
  serialize(viewer: { cols: number; rows: number }): Promise<SerializedScreen> {
    return this.emulator.serialize(this.id, viewer);
  }

  /** The terminal modes the program set; '' without an emulator. */
  modes(): Promise<string> {
    return this.open ? this.emulator.modes(this.id) : Promise.resolve('');
  }

  /** The visible screen as text, for the detectors; undefined without an emulator. */
  async text(): Promise<string | undefined> {
    return this.open ? (await this.emulator.capture(this.id, {})).lines.join('\n') : undefined;
  }

  /** The screen as lines; an exited session's last screen, rebuilt at its last size. */
  capture(options: Omit<CaptureParams, 'session'>, cols: number, rows: number): Promise<Capture> {
    if (this.open) return this.emulator.capture(this.id, options);
    return captureExited(
      this.emulator,
      { id: this.id, cols, rows },
      this.finalScreen,
      () => this.ring.bytes(),
      options,
    );
  }
}
