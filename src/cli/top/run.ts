// `kojo top`: its own bundle (dist/top.js), loaded only by this verb, so that
// Ink and React cost the other commands nothing. Owns the terminal: the
// alternate screen while the list shows, handed to `attach` on Enter and
// taken back on detach; restored on every way out.
import { PassThrough } from 'node:stream';
import React from 'react';
import { render, type Instance } from 'ink';
import { attach } from '../attach.js';
import { CliError } from '../output.js';
import { App, type Actions } from './App.js';
import { Feed } from './feed.js';
import { makePaint } from './parts.js';
import type { NewSession } from './NewSessionForm.js';
import { callerCwd, callerEnv } from '../callerContext.js';

const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';

type Outcome = { kind: 'quit' } | { kind: 'attach'; id: string } | { kind: 'terminal'; id: string } | { kind: 'lost' };

export async function runTop(options: { detachKeys: string }): Promise<number> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY || !stdout.isTTY) throw new CliError('kojo top needs a terminal', 2);
  const feed = await Feed.open();
  const paint = makePaint(!process.env.NO_COLOR);
  let instance: Instance | undefined;
  let onScreen = false;

  const restore = (): void => {
    instance?.unmount();
    instance = undefined;
    if (stdin.isRaw) stdin.setRawMode(false);
    if (onScreen) stdout.write(LEAVE_SCREEN);
    onScreen = false;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    feed.close();
    process.exit(signal === 'SIGHUP' ? 129 : 143);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  let selected: string | undefined;
  try {
    for (;;) {
      onScreen = true;
      const outcome = await showList(feed, paint, selected, (i) => (instance = i));
      instance = undefined;
      if (outcome.kind === 'quit') return 0;
      if (outcome.kind === 'lost') throw new CliError('lost connection to the kojo daemon');
      // The attach client draws the session on the main screen and puts the terminal back when it detaches.
      stdout.write(LEAVE_SCREEN);
      onScreen = false;
      let id = outcome.id;
      if (outcome.kind === 'terminal') id = (await feed.client.call('session.tmuxOpen', { session: id })).id;
      selected = outcome.id;
      const status = await attach(id, { detachKeys: options.detachKeys, readOnly: false });
      // 1: the daemon went away while attached; anything else is back to the list.
      if (
        status === 1 &&
        !(await feed.refresh().then(
          () => true,
          () => false,
        ))
      ) {
        throw new CliError('lost connection to the kojo daemon');
      }
      await feed.refresh();
    }
  } finally {
    restore();
    feed.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

/** Shows the dashboard until a key leaves it (q, Enter, t) or the daemon goes away. */
function showList(
  feed: Feed,
  paint: ReturnType<typeof makePaint>,
  initialId: string | undefined,
  mounted: (instance: Instance) => void,
): Promise<Outcome> {
  process.stdout.write(ENTER_SCREEN);
  return new Promise<Outcome>((resolve) => {
    let leaving = false;
    const leave = (outcome: Outcome): void => {
      if (leaving) return;
      leaving = true;
      feed.off('lost', onLost);
      instance.unmount();
      // Ink lets go of stdin (raw mode, its listener, pause) as the unmount
      // completes: only then may attach take the terminal.
      void instance.waitUntilExit().then(() =>
        setImmediate(() => {
          // Ink leaves its last frame; the next screen starts clean.
          process.stdout.write('\x1b[H\x1b[2J');
          resolve(outcome);
        }),
      );
    };
    const onLost = (): void => leave({ kind: 'lost' });
    feed.on('lost', onLost);
    const client = feed.client;
    const refreshAfter = async (call: Promise<unknown>): Promise<void> => {
      await call;
      await feed.refresh();
    };
    const actions: Actions = {
      attach: (id) => leave({ kind: 'attach', id }),
      terminal: (id) => leave({ kind: 'terminal', id }),
      quit: () => leave({ kind: 'quit' }),
      stop: (id) => refreshAfter(client.call('session.stop', { session: id })),
      restart: (id) => refreshAfter(client.call('session.restart', { session: id })),
      remove: (id) => refreshAfter(client.call('session.remove', { session: id })),
      yolo: (id, on) => refreshAfter(client.call('session.yolo', { session: id, enabled: on })),
      create: (form) => refreshAfter(client.call('session.create', createParams(form))),
    };
    const input = new InkInput();
    const instance = render(React.createElement(App, { feed, actions, paint, initialId }), {
      stdin: input as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    void instance.waitUntilExit().finally(() => input.detach());
    mounted(instance);
  });
}

/**
 * Ink's stdin: the terminal's keys passed through. Ink sets its input's
 * encoding to UTF-8, which cannot be undone on process.stdin, and attach
 * needs the bytes as they are.
 */
class InkInput extends PassThrough {
  readonly isTTY = true;
  private readonly forward = (chunk: Buffer): void => void this.write(chunk);

  constructor() {
    super();
    process.stdin.on('data', this.forward);
    process.stdin.resume();
  }

  setRawMode(enabled: boolean): this {
    process.stdin.setRawMode(enabled);
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  detach(): void {
    process.stdin.off('data', this.forward);
    process.stdin.pause();
    this.end();
  }
}

function createParams(form: NewSession) {
  const env = callerEnv();
  const cwd = callerCwd(form.dir.trim() || undefined);
  return {
    tool: form.tool.trim(),
    args: form.args.split(/\s+/).filter(Boolean),
    ...(cwd !== undefined && { cwd }),
    ...(env && { env }),
    ...(form.name.trim() && { name: form.name.trim() }),
    cols: process.stdout.columns,
    rows: process.stdout.rows,
  };
}
