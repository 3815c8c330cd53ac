// Named keys for `kojo send --key`, as tmux's send-keys names them, and the
// bytes a terminal sends for each. Cursor keys follow the program's cursor-key
// mode (DECCKM), as a terminal's would.

const NAMED: Record<string, string> = {
  enter: '\r',
  tab: '\t',
  btab: '\x1b[Z',
  escape: '\x1b',
  esc: '\x1b',
  space: ' ',
  bspace: '\x7f',
  backspace: '\x7f',
  insert: '\x1b[2~',
  ic: '\x1b[2~',
  delete: '\x1b[3~',
  dc: '\x1b[3~',
  pageup: '\x1b[5~',
  ppage: '\x1b[5~',
  pgup: '\x1b[5~',
  pagedown: '\x1b[6~',
  npage: '\x1b[6~',
  pgdn: '\x1b[6~',
  f1: '\x1bOP',
  f2: '\x1bOQ',
  f3: '\x1bOR',
  f4: '\x1bOS',
  f5: '\x1b[15~',
  f6: '\x1b[17~',
  f7: '\x1b[18~',
  f8: '\x1b[19~',
  f9: '\x1b[20~',
  f10: '\x1b[21~',
  f11: '\x1b[23~',
  f12: '\x1b[24~',
};

/** Cursor keys: the final byte after CSI (normal mode) or SS3 (application mode). */
const CURSOR: Record<string, string> = { up: 'A', down: 'B', right: 'C', left: 'D', home: 'H', end: 'F' };

/** Control characters whose name is not a letter. */
const CONTROL_SYMBOLS: Record<string, number> = {
  '@': 0,
  space: 0,
  '[': 27,
  '\\': 28,
  ']': 29,
  '^': 30,
  _: 31,
  '?': 127,
};

export const KEY_NAMES_HELP =
  'Enter Tab BTab Escape Space BSpace Up Down Left Right Home End PageUp PageDown Insert Delete F1-F12, C-<key>, M-<key>';

/**
 * The bytes for a named key, or undefined when the name is unknown.
 * `C-c` is Ctrl-C, `M-x` is Alt-x (ESC first); `applicationCursor` is the
 * program's DECCKM state.
 */
export function keyBytes(name: string, applicationCursor = false): string | undefined {
  const meta = /^M-(.+)$/i.exec(name);
  if (meta) {
    const inner = keyBytes(meta[1]!, applicationCursor);
    return inner === undefined ? undefined : '\x1b' + inner;
  }
  const ctrl = /^C-(.+)$/i.exec(name);
  if (ctrl) {
    const key = ctrl[1]!;
    if (/^[a-z]$/i.test(key)) return String.fromCharCode(key.toLowerCase().charCodeAt(0) - 96);
    const code = CONTROL_SYMBOLS[key.toLowerCase()];
    return code === undefined ? undefined : String.fromCharCode(code);
  }
  const lower = name.toLowerCase();
  const cursor = CURSOR[lower];
  if (cursor) return (applicationCursor ? '\x1bO' : '\x1b[') + cursor;
  if (NAMED[lower] !== undefined) return NAMED[lower];
  // A single character stands for itself (as in send-keys).
  return [...name].length === 1 ? name : undefined;
}
