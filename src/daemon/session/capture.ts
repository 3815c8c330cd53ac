// `kojo capture` of a session whose emulator has closed (it exited): its last
// screen, rebuilt in a scratch emulator from the screen serialized at exit,
// or from the recorded output when this daemon never emulated it.
import type { Capture, CaptureParams } from '../../shared/protocol/terminalIo.js';
import type { EmulatorHost, SerializedScreen } from '../emulator/host.js';

let scratch = 0;

export async function captureExited(
  emulator: EmulatorHost,
  session: { id: string; cols: number; rows: number },
  finalScreen: Promise<SerializedScreen> | undefined,
  recorded: () => Buffer,
  options: Omit<CaptureParams, 'session'>,
): Promise<Capture> {
  const data = finalScreen ? Buffer.from((await finalScreen).data, 'utf8') : recorded();
  const id = `${session.id}#capture${++scratch}`;
  emulator.open(id, session.cols, session.rows, () => data);
  try {
    emulator.feed(id, [data], data.length);
    return await emulator.capture(id, options);
  } finally {
    emulator.close(id);
  }
}
