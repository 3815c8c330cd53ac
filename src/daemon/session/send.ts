// `kojo send`: text typed as a paste, Enter, then named keys, through the
// same input path as an attached terminal (Session.write).
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { KEY_NAMES_HELP, keyBytes } from '../../shared/keys.js';
import type { SendParams, SendResult } from '../../shared/protocol/terminalIo.js';
import type { Session } from './session.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

export async function send(session: Session, params: SendParams): Promise<SendResult> {
  const keys = params.keys ?? [];
  if (params.text === undefined && keys.length === 0) {
    throw new KojoError(ErrorCode.InvalidParams, 'nothing to send: give text, - for stdin, or --key NAME');
  }
  if (!session.running) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
  // The modes as the program left them after everything it printed so far.
  const modes = await session.terminalModes();
  const applicationCursor = modes.includes('\x1b[?1h');
  const keyData = keys.map((name) => {
    const bytes = keyBytes(name, applicationCursor);
    if (bytes === undefined) throw new KojoError(ErrorCode.InvalidParams, `unknown key: ${name} (${KEY_NAMES_HELP})`);
    return bytes;
  });
  let data = '';
  if (params.text) {
    // A paste cannot end itself early: its end marker is taken out of the text, as terminals do.
    data += modes.includes('\x1b[?2004h')
      ? PASTE_START + params.text.replaceAll(PASTE_END, '') + PASTE_END
      : params.text;
  }
  if (params.text !== undefined && params.enter !== false) data += '\r';
  data += keyData.join('');
  session.write(data);
  const info = session.info();
  const result: SendResult = { id: session.id, bytes: Buffer.byteLength(data), position: session.ring.total };
  if (info.state !== undefined) result.state = info.state;
  if (info.stateSince !== undefined) result.stateSince = info.stateSince;
  return result;
}
