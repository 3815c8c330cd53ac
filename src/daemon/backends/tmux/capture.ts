/**
 * Pane modes tmux shows as formats, with the sequences that set and reset
 * them; the last set mouse encoding wins, so SGR comes after UTF-8.
 */
const PANE_MODES: Array<[format: string, set: string, reset: string]> = [
  ['cursor_flag', '', '\x1b[?25l'],
  ['keypad_cursor_flag', '\x1b[?1h', ''],
  ['keypad_flag', '\x1b=', ''],
  ['mouse_standard_flag', '\x1b[?1000h', ''],
  ['mouse_button_flag', '\x1b[?1002h', ''],
  ['mouse_all_flag', '\x1b[?1003h', ''],
  ['mouse_utf8_flag', '\x1b[?1005h', ''],
  ['mouse_sgr_flag', '\x1b[?1006h', ''],
];
const PANE_STATE_FORMAT = ['history_size', 'cursor_y', 'cursor_x', 'alternate_on', ...PANE_MODES.map(([f]) => f)]
  .map((format) => `#{${format}}`)
  .join(' ');

/**
 * tmux commands (to run as one, after others if need be) that print a pane's
 * state line, then its history and screen with their escapes.
 */
export function captureCommands(target: string): string[] {
  return [
    'display-message',
    '-p',
    '-t',
    target,
    PANE_STATE_FORMAT,
    ';',
    'capture-pane',
    '-p',
    '-e',
    '-S',
    '-',
    '-t',
    target,
  ];
}

/**
 * What tmux holds of a pane, as output that recreates it: history and
 * screen, the cursor, and the terminal modes the program set (those tmux
 * shows as formats; bracketed paste and focus reports it does not show).
 */
export function renderCapture(stdout: string): Buffer {
  const nl = stdout.indexOf('\n');
  const stateLine = nl === -1 ? stdout : stdout.slice(0, nl);
  const text = nl === -1 ? '' : stdout.slice(nl + 1);
  const lines = text.split('\n');
  const [history, y, x, alternate, ...flags] = stateLine.trim().split(' ').map(Number);
  if ([history, y, x, alternate].some((n) => n === undefined || Number.isNaN(n))) {
    return Buffer.from(text.replace(/\n+$/, '').replace(/\n/g, '\r\n'));
  }
  const modes = PANE_MODES.map(([, set, reset], i) => (flags[i] === 1 ? set : reset)).join('');
  if (!alternate) {
    // Up to the cursor's line, then the cursor's column: output goes on from there.
    return Buffer.from(lines.slice(0, history! + y! + 1).join('\r\n') + `\r\x1b[${x! + 1}G` + modes);
  }
  // A full-screen program: the main history, then its own screen.
  const main = lines.slice(0, history).join('\r\n');
  const screen = lines.slice(history, history! + y! + 1).join('\r\n');
  return Buffer.from(`${main}\r\n\x1b[?1049h\x1b[H${screen}\x1b[${y! + 1};${x! + 1}H${modes}`);
}
