// Recorded output as plain text for `kojo logs` and `kojo send --wait`:
// escape sequences removed, CRLF and lone CR turned into LF, other control
// characters dropped (a terminal's CR CR LF, a program's CRLF after output
// processing, is one line end). Works on a stream: a sequence or a UTF-8 character cut
// by a chunk boundary is held for the next chunk.
import { StringDecoder } from 'node:string_decoder';
import { replaceAnsi } from '../shared/ansi.js';

/** An unfinished sequence longer than this is not waited for. */
const MAX_HELD = 4096;

export class PlainText {
  private readonly decoder = new StringDecoder('utf8');
  private held = '';

  push(chunk: Buffer): string {
    return this.convert(this.held + this.decoder.write(chunk), false);
  }

  end(): string {
    return this.convert(this.held + this.decoder.end(), true);
  }

  private convert(text: string, last: boolean): string {
    let out = replaceAnsi(text, '').replace(/\x1b[0-?a-~]/g, '');
    this.held = '';
    if (!last) {
      // What is left of an escape, or a CR that may be half of a CRLF, waits for more.
      const escape = out.lastIndexOf('\x1b');
      const returns = /\r+$/.exec(out);
      const cut = escape !== -1 && out.length - escape < MAX_HELD ? escape : returns ? returns.index : -1;
      if (cut !== -1) {
        this.held = out.slice(cut);
        out = out.slice(0, cut);
      }
    }
    return out.replace(/\r+\n|\r/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  }
}

/** The whole of some output as text. */
export function plainText(bytes: Buffer): string {
  const text = new PlainText();
  return text.push(bytes) + text.end();
}

/** The last `n` lines of a text (a final newline does not start a line). */
export function lastLines(text: string, n: number): string {
  if (n <= 0) return '';
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  return lines.slice(-n).join('\n') + (trailing ? '\n' : '');
}

/** The same for bytes (`logs --raw --tail N`): lines end at LF. */
export function lastLineBytes(bytes: Buffer, n: number): Buffer {
  if (n <= 0) return bytes.subarray(bytes.length);
  let pos = bytes.length > 0 && bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length;
  for (let i = 1; pos > 0; i++) {
    const nl = bytes.lastIndexOf(10, pos - 1);
    if (nl === -1) break;
    if (i === n) return bytes.subarray(nl + 1);
    pos = nl;
  }
  return bytes;
}
