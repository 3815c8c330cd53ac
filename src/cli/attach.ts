import type { Duplex } from 'node:stream';
import { OutputDecoder, encodeDetach, encodeInput, encodeResize, type EndReason } from '../shared/attachStream.js';
import { RESET_MODES } from '../shared/terminal.js';
import { ScreenState } from './screenState.js';
import { CliError } from './output.js';
import { connectDaemon, openReadStream, type ChunkReader } from './client.js';
import { ConnectionLost } from './remote/sshStream.js';
import { DetachMatcher, parseDetachKeys } from './detachKeys.js';
import { handshake } from './attach/handshake.js';
import { describeKeys, stty, sttySettings } from './attach/terminal.js';
import { endNotice } from './attach/endNotice.js';

export interface AttachOptions {
  detachKeys: string;
  readOnly: boolean;
  /** No hint line before attaching. */
  quiet?: boolean;
  /** Input that is not a terminal: detach when it ends (default: keep watching). */
  detachOnEof?: boolean;
}

/**
 * Attach this terminal to a session until the detach keys, the session's end,
 * or the daemon's. Resolves to the exit status for the process.
 */
export async function attach(ref: string, options: AttachOptions): Promise<number> {
  const detachSequence = parseDetachKeys(options.detachKeys);
  // The daemon is started (and the version checked) by a control connection.
  const control = await connectDaemon();
  try {
    await refuseSelf(ref, (r) => control.call('session.get', { session: r }).then((info) => info.id));
  } finally {
    control.close();
  }
  // What the socket reads goes to the handshake, then to the relay.
  let take: ChunkReader = () => false;
  const socket: Duplex = await openReadStream((chunk) => take(chunk));
  let broken: Error | undefined;
  socket.on('error', (error) => (broken = error));

  const { stdin, stdout } = process;
  // Not a terminal (a file, a pipe): the recorded bytes, then live, exactly.
  const raw = !stdout.isTTY;
  const size = (): { cols: number; rows: number } => ({
    cols: stdout.isTTY ? stdout.columns : 80,
    rows: stdout.isTTY ? stdout.rows : 24,
  });
  const greeting = handshake(socket, {
    session: ref,
    ...size(),
    readOnly: options.readOnly,
    replay: raw ? 'raw' : 'screen',
  });
  take = greeting.take;
  const { result, rest } = await greeting.answer;

  const rawMode = stdin.isTTY === true;
  if (rawMode && stdout.isTTY && !options.quiet) {
    process.stderr.write(`[attached to ${result.id}; ${describeKeys(options.detachKeys)} detaches]\n`);
  }
  let finished = false;
  let end: EndReason | undefined;
  const saved = rawMode ? sttySettings() : undefined;
  const screen = new ScreenState();
  const restore = (): void => {
    if (rawMode) stdin.setRawMode(false);
    if (saved) stty([saved]);
    if (!stdout.isTTY) return;
    // Leave the alternate screen only if the session is on it: elsewhere
    // ?1049l would restore a stale saved cursor and write over old lines.
    stdout.write((screen.alternate ? '\x1b[?1049l' : '') + RESET_MODES + (screen.atLineStart ? '' : '\r\n'));
  };

  // stdout on a pipe does not keep Node running: while the socket is paused
  // for a slow reader, nothing else would, and pending output would be lost.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise<number>((resolve) => {
    const finish = (status: number, notice: string | undefined): void => {
      if (finished) return;
      finished = true;
      clearInterval(keepAlive);
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      stdin.pause();
      stdout.off('resize', onResize);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('SIGQUIT', onQuit);
      take = () => false;
      // Let every received byte reach the terminal before it is restored.
      stdout.write('', () => {
        restore();
        if (notice) process.stderr.write(`${notice}\n`);
        resolve(status);
      });
    };
    const detach = (): void => {
      socket.end(encodeDetach());
      finish(0, `[detached from ${result.id}]`);
    };

    // A terminal's keys are matched for the detach keys; other input is bytes, as is.
    const matcher = rawMode ? new DetachMatcher(detachSequence) : undefined;
    const onInput = (data: Buffer): void => {
      const { forward, detach: detachNow } = matcher ? matcher.push(data) : { forward: data, detach: false };
      if (forward.length && !options.readOnly && !socket.write(encodeInput(forward))) {
        stdin.pause();
        socket.once('drain', () => finished || stdin.resume());
      }
      if (detachNow) detach();
    };
    const onInputEnd = (): void => {
      if (options.detachOnEof) detach();
    };
    const onResize = (): void => {
      if (options.readOnly) return;
      const { cols, rows } = size();
      socket.write(encodeResize(cols, rows));
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      socket.destroy();
      finish(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15), `[detached from ${result.id}: ${signal}]`);
    };
    // Input that is not the terminal leaves the terminal cooked: Ctrl-\ arrives as SIGQUIT.
    const onQuit = (): void => detach();

    if (rawMode) {
      stdin.setRawMode(true);
      // Node's raw mode keeps output processing (\n -> \r\n); the session's
      // bytes must reach the terminal untouched, as with dtach and tmux.
      stty(['-opost']);
    } else {
      process.on('SIGQUIT', onQuit);
    }
    stdin.on('data', onInput);
    stdin.on('end', onInputEnd);
    stdin.resume();
    stdout.on('resize', onResize);
    for (const signal of SIGNALS) process.on(signal, onSignal);

    // Output watched for the screen state, then written as is.
    const watch = stdout.isTTY === true;
    const onOutput = (data: Buffer): void => {
      if (watch) screen.observe(data);
      stdout.write(data);
    };
    const decoder = new OutputDecoder(onOutput, (reason) => (end = reason));
    // The chunk may be the socket's reused buffer: while any of it waits in
    // stdout (a pipe; a terminal takes it at once), reading stops.
    const onData = (chunk: Buffer): boolean => {
      if (finished) return false;
      try {
        // The frames in one read reach the terminal in one write.
        stdout.cork();
        decoder.push(chunk);
        stdout.uncork();
      } catch (error) {
        stdout.uncork();
        socket.destroy();
        finish(1, `kojo: ${(error as Error).message}`);
        return false;
      }
      if (stdout.writableLength === 0) return true;
      // Read on once all of it is out ('drain' only comes past the high-water mark).
      stdout.write(NOTHING, () => finished || socket.resume());
      return false;
    };
    take = onData;
    if (!rest.length || onData(rest)) socket.resume();
    socket.on('close', () => {
      // ssh died (killed, network gone): the session is fine there; say so and restore.
      if (!end && broken instanceof ConnectionLost) return finish(1, `kojo: ${broken.message}`);
      const { status, notice } = endNotice(result.id, end);
      finish(status, notice);
    });
  });
}

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
const NOTHING = Buffer.alloc(0);

/** `kojo attach s` inside s itself would feed its own input: refuse, as tmux refuses nesting. */
async function refuseSelf(ref: string, resolveId: (ref: string) => Promise<string>): Promise<void> {
  const inside = process.env.KOJO_SESSION_ID;
  if (!inside) return;
  const id = await resolveId(ref);
  if (id === inside) throw new CliError(`cannot attach ${id} from inside itself (this terminal is in it)`);
}
