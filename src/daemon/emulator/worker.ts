// The emulator thread: one headless xterm per session, fed every output byte,
// so that an attacher can be shown the current screen and modes. It runs
// beside the relay, never in front of it.
import { parentPort } from 'node:worker_threads';
import xtermHeadless from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import type { FromEmulator, ToEmulator } from './messages.js';
import { normalizeSize } from '../../shared/limits.js';
import { captureLines } from './lines.js';
import { needsFitting, serializeFitted } from './fitted.js';

const { Terminal } = xtermHeadless;
type Term = InstanceType<typeof Terminal>;

interface Screen {
  term: Term;
  serializer: SerializeAddon;
  scrollback: number;
  /** The operations queued on this screen, in message order. */
  chain: Promise<void>;
  /** DEC modes the serializer leaves out, by number: set (true) or reset. */
  unserialized: Map<number, boolean>;
}

/**
 * DEC private modes the serialize addon does not restore, with their power-on
 * state: cursor visibility, mouse report encodings.
 */
const UNSERIALIZED_MODES = new Map([
  [25, true],
  [1005, false],
  [1006, false],
  [1015, false],
  [1016, false],
]);

const screens = new Map<string, Screen>();
const port = parentPort!;

function post(message: FromEmulator): void {
  port.postMessage(message);
}

function modesOf(term: Term): string {
  const m = term.modes;
  let out = '';
  if (m.applicationCursorKeysMode) out += '\x1b[?1h';
  if (m.applicationKeypadMode) out += '\x1b[?66h';
  if (m.bracketedPasteMode) out += '\x1b[?2004h';
  if (m.sendFocusMode) out += '\x1b[?1004h';
  const mouse = { none: '', x10: '\x1b[?9h', vt200: '\x1b[?1000h', drag: '\x1b[?1002h', any: '\x1b[?1003h' };
  out += mouse[m.mouseTrackingMode];
  return out;
}

/** Follows the modes the serializer leaves out, as xterm itself handles them. */
function followUnserializedModes(term: Term, modes: Map<number, boolean>): void {
  for (const [final, set] of [
    ['h', true],
    ['l', false],
  ] as const) {
    term.parser.registerCsiHandler({ prefix: '?', final }, (params) => {
      for (const param of params) {
        if (typeof param !== 'number' || !UNSERIALIZED_MODES.has(param)) continue;
        modes.delete(param); // The latest switch goes last: mouse encodings replace each other.
        modes.set(param, set);
      }
      return false; // xterm handles the sequence as usual.
    });
  }
}

/** The sequences that put the unserialized modes back; those in their power-on state need none. */
function unserializedModesOf(modes: Map<number, boolean>): string {
  let out = '';
  for (const [mode, set] of modes) if (set !== UNSERIALIZED_MODES.get(mode)) out += `\x1b[?${mode}${set ? 'h' : 'l'}`;
  return out;
}

port.on('message', (message: ToEmulator) => {
  if (message.type === 'open') {
    const term = new Terminal({
      ...normalizeSize(message.cols, message.rows),
      scrollback: message.scrollback,
      allowProposedApi: true,
      // Programs print bytes that are no terminal sequence (binary files):
      // xterm would log a parsing error for each into the daemon log.
      logLevel: 'off',
    });
    const serializer = new SerializeAddon();
    term.loadAddon(serializer);
    const unserialized = new Map<number, boolean>();
    followUnserializedModes(term, unserialized);
    screens.set(message.id, {
      term,
      serializer,
      scrollback: message.scrollback,
      chain: Promise.resolve(),
      unserialized,
    });
    return;
  }
  const screen = screens.get(message.id);
  if (!screen) {
    if (message.type === 'serialize')
      post({ type: 'serialized', request: message.request, data: '', alternate: false });
    if (message.type === 'capture')
      post({
        type: 'captured',
        request: message.request,
        capture: { cols: 0, rows: 0, cursor: { x: 0, y: 0 }, lines: [] },
      });
    return;
  }
  const { term } = screen;
  // Every operation on a screen runs after the previous one has finished
  // parsing: a reset's own writes must not fall behind later messages.
  // An operation that throws (a resize xterm cannot allocate) is reported and
  // skipped: the thread and the screen's later operations carry on.
  const then = (op: (done: () => void) => void): void => {
    screen.chain = screen.chain.then(
      () =>
        new Promise<void>((done) => {
          try {
            op(done);
          } catch (error) {
            post({ type: 'failed', id: message.id, message: `${message.type}: ${(error as Error).message}` });
            done();
          }
        }),
    );
  };
  switch (message.type) {
    case 'data': {
      const bytes = message.data.length;
      then((done) =>
        term.write(message.data, () => {
          post({ type: 'parsed', id: message.id, bytes });
          done();
        }),
      );
      break;
    }
    case 'reset': {
      const bytes = message.data.length;
      then((done) => {
        const modes = modesOf(term) + unserializedModesOf(screen.unserialized);
        screen.unserialized.clear();
        term.reset();
        term.write(modes);
        term.write(message.data, () => {
          post({ type: 'parsed', id: message.id, bytes });
          done();
        });
      });
      break;
    }
    case 'resize':
      then((done) => {
        const size = normalizeSize(message.cols, message.rows);
        term.resize(size.cols, size.rows);
        done();
      });
      break;
    case 'serialize':
      then((done) => {
        // Whatever fails here, the attacher waiting for this answer gets one.
        const fallback = setImmediate(() =>
          post({ type: 'serialized', request: message.request, data: '', alternate: false }),
        );
        const { viewer } = message;
        const drawn =
          message.what === 'modes'
            ? modesOf(term)
            : viewer && needsFitting(term, viewer)
              ? serializeFitted(term, screen.serializer) + modesOf(term)
              : screen.serializer.serialize({ scrollback: screen.scrollback });
        const data = drawn + unserializedModesOf(screen.unserialized);
        post({
          type: 'serialized',
          request: message.request,
          data,
          alternate: term.buffer.active.type === 'alternate',
        });
        clearImmediate(fallback);
        done();
      });
      break;
    case 'capture':
      then((done) => {
        post({ type: 'captured', request: message.request, capture: captureLines(term, message) });
        done();
      });
      break;
    case 'close':
      screens.delete(message.id);
      then((done) => {
        term.dispose();
        done();
      });
      break;
  }
});
