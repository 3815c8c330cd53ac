// The emulated screen as lines of text for `kojo capture`: plain, or with
// each cell's colours and attributes as SGR sequences (as tmux's
// `capture-pane -e` prints them).
import type xtermHeadless from '@xterm/headless';
import type { Capture } from '../../shared/protocol/terminalIo.js';

type Term = InstanceType<typeof xtermHeadless.Terminal>;
type Line = NonNullable<ReturnType<Term['buffer']['active']['getLine']>>;
type Cell = NonNullable<ReturnType<Line['getCell']>>;

export function captureLines(term: Term, options: { scrollback: number; escapes: boolean }): Capture {
  const buffer = term.buffer.active;
  const first = Math.max(0, buffer.baseY - Math.max(0, options.scrollback));
  const last = buffer.baseY + term.rows - 1;
  const lines: string[] = [];
  const cell = buffer.getNullCell();
  for (let y = first; y <= last; y++) {
    const line = buffer.getLine(y);
    if (!line) lines.push('');
    else lines.push(options.escapes ? withEscapes(line, term.cols, cell) : line.translateToString(true));
  }
  return { cols: term.cols, rows: term.rows, cursor: { x: buffer.cursorX, y: buffer.cursorY }, lines };
}

function withEscapes(line: Line, cols: number, cell: Cell): string {
  // Trailing cells that are blank and unstyled are left out, as the plain text trims them.
  let end = cols;
  while (end > 0) {
    const c = line.getCell(end - 1, cell);
    if (!c || ((c.getChars() === '' || c.getChars() === ' ') && c.isAttributeDefault())) end--;
    else break;
  }
  let out = '';
  let current = '';
  for (let x = 0; x < end; x++) {
    const c = line.getCell(x, cell);
    if (!c || c.getWidth() === 0) continue; // the right half of a wide character
    const sgr = sgrOf(c);
    if (sgr !== current) {
      out += `\x1b[0${sgr}m`;
      current = sgr;
    }
    out += c.getChars() || ' ';
  }
  return current ? out + '\x1b[0m' : out;
}

/** The cell's attributes as SGR parameters after a reset (`;1;31…`), '' for none. */
function sgrOf(c: Cell): string {
  let sgr = '';
  if (c.isBold()) sgr += ';1';
  if (c.isDim()) sgr += ';2';
  if (c.isItalic()) sgr += ';3';
  if (c.isUnderline()) sgr += ';4';
  if (c.isBlink()) sgr += ';5';
  if (c.isInverse()) sgr += ';7';
  if (c.isInvisible()) sgr += ';8';
  if (c.isStrikethrough()) sgr += ';9';
  if (c.isOverline()) sgr += ';53';
  sgr += color(c.isFgRGB(), c.isFgPalette(), c.getFgColor(), 30);
  sgr += color(c.isBgRGB(), c.isBgPalette(), c.getBgColor(), 40);
  return sgr;
}

function color(rgb: boolean, palette: boolean, value: number, base: 30 | 40): string {
  if (rgb) return `;${base + 8};2;${(value >> 16) & 255};${(value >> 8) & 255};${value & 255}`;
  if (!palette) return '';
  if (value < 8) return `;${base + value}`;
  if (value < 16) return `;${base + 60 + value - 8}`;
  return `;${base + 8};5;${value}`;
}
