// A screen drawn for a terminal larger than the session (another, smaller
// terminal set the size). The serializer joins wrapped rows by relying on the
// terminal's own autowrap, which happens at the wrong column on a wider
// terminal; so each row is placed by itself, in the top-left area, as tmux
// shows a smaller window. Scrolling is kept to that area.
import type { Terminal } from '@xterm/headless';
import type { SerializeAddon } from '@xterm/addon-serialize';

/** Whether a viewer of this size needs the fitted drawing (larger, not equal). */
export function needsFitting(term: Terminal, viewer: { cols: number; rows: number }): boolean {
  const larger = viewer.cols >= term.cols && viewer.rows >= term.rows;
  return larger && (viewer.cols > term.cols || viewer.rows > term.rows);
}

/** The visible screen, row by row, then the cursor (modes are the caller's). */
export function serializeFitted(term: Terminal, serializer: SerializeAddon): string {
  const buffer = term.buffer.active;
  // A full-screen program redraws its own area when nudged; its buffer has no wrapped history.
  if (buffer.type === 'alternate') return serializer.serialize({ scrollback: 0, excludeModes: true });
  let out = `\x1b[1;${term.rows}r`;
  for (let row = 0; row < term.rows; row++) {
    const line = buffer.baseY + row;
    const text = serializer.serialize({
      range: { start: line, end: line },
      excludeModes: true,
      excludeAltBuffer: true,
    });
    out += `\x1b[${row + 1};1H${text}\x1b[0m`;
  }
  return out + `\x1b[${buffer.cursorY + 1};${buffer.cursorX + 1}H`;
}
