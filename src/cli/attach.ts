import type { Duplex } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { MAX_CONTROL_FRAME_BYTES, RAW_ATTACHER_QUEUE_BYTES } from '../shared/limits.js';
import { encodeDetach, encodeInput, encodeResize } from '../shared/attachStream.js';
import { RESET_MODES } from '../shared/terminal.js';
import { ScreenState } from './screenState.js';
import type { AttachResult } from '../shared/protocol.js';
import { CliError } from './output.js';
import { connectDaemon, openDaemonStream, DaemonClient } from './client.js';
import { ConnectionLost } from './remote/sshStream.js';
import { DetachMatcher, parseDetachKeys } from './detachKeys.js';

export interface AttachOptions {
  detachKeys: string;
  readOnly: boolean;
}

/**
 * Attach this terminal to a session until the detach keys, the session's end,
 * or the daemon's. Resolves to the exit status for the process.
 */
export async function attach(ref: string, options: AttachOptions): Promise<number> {
  const detachSequence = parseDetachKeys(options.detachKeys);
  // The daemon is started (and the version checked) by a control connection.
  const control = await connectDaemon();
  control.close();
  const socket = await openDaemonStream({ autostart: false });
  let broken: Error | undefined;
  socket.on('error', (error) => (broken = error));

  const { stdin, stdout } = process;
  // Not a terminal (a file, a pipe): the recorded bytes, then live, exactly.
  const raw = !stdout.isTTY;
  const size = (): { cols: number; rows: number } => ({
    cols: stdout.isTTY ? stdout.columns : 80,
    rows: stdout.isTTY ? stdout.rows : 24,
  });
  socket.write(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'session.attach',
      params: { session: ref, ...size(), readOnly: options.readOnly, replay: raw ? 'raw' : 'screen' },
    }) + '\n',
  );
  const { result, rest } = await handshake(socket);

  const rawMode = stdin.isTTY === true;
  let finished = false;
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

  return new Promise<number>((resolve) => {
    const finish = (status: number, notice: string | undefined): void => {
      if (finished) return;
      finished = true;
      stdin.off('data', onInput);
      stdin.pause();
      process.off('SIGWINCH', onResize);
      stdout.off('resize', onResize);
      for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(signal, onSignal);
      socket.off('data', onOutput);
      // Let every received byte reach the terminal before it is restored.
      stdout.write('', () => {
        restore();
        if (notice) process.stderr.write(`${notice}\n`);
        resolve(status);
      });
    };

    const matcher = new DetachMatcher(detachSequence);
    const onInput = (data: Buffer): void => {
      const { forward, detach } = matcher.push(data);
      if (forward.length && !options.readOnly) socket.write(encodeInput(forward));
      if (detach) {
        socket.end(encodeDetach());
        finish(0, `[detached from ${result.id}]`);
      }
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

    if (rawMode) {
      stdin.setRawMode(true);
      // Node's raw mode keeps output processing (\n -> \r\n); the session's
      // bytes must reach the terminal untouched, as with dtach and tmux.
      stty(['-opost']);
    }
    stdin.on('data', onInput);
    stdin.resume();
    stdout.on('resize', onResize);
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, onSignal);

    // Output with backpressure (as pipe() would), watched for the screen state.
    const onOutput = (chunk: Buffer): void => {
      screen.observe(chunk);
      if (!stdout.write(chunk)) {
        socket.pause();
        stdout.once('drain', () => socket.resume());
      }
    };
    if (rest.length) onOutput(rest);
    socket.on('data', onOutput);
    socket.resume();
    socket.on('close', () => {
      if (finished) return;
      // ssh died (killed, network gone): the session is fine there; say so and restore.
      if (broken instanceof ConnectionLost) return finish(1, `kojo: ${broken.message}`);
      void explainEnd(result.id, raw).then(({ status, notice }) => finish(status, notice));
    });
  });
}

/** `stty -g` of the terminal on stdin, to put back exactly on the way out. */
function sttySettings(): string | undefined {
  try {
    return execFileSync('stty', ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function stty(args: string[]): void {
  try {
    execFileSync('stty', args, { stdio: ['inherit', 'ignore', 'ignore'] });
  } catch {
    // Not a terminal stty can set; raw mode alone will have to do.
  }
}

/** The stream ended without a detach: the session ended, the daemon did, or it dropped a raw reader. */
async function explainEnd(id: string, raw: boolean): Promise<{ status: number; notice: string }> {
  let client: DaemonClient | undefined;
  try {
    client = await connectDaemon({ autostart: false });
    const info = await client.call('session.get', { session: id });
    if (info.status === 'exited') {
      const how = info.exitSignal ? `killed by ${info.exitSignal}` : `exited with code ${info.exitCode ?? '?'}`;
      return { status: info.exitCode ?? 1, notice: `[session ${id} ${how}]` };
    }
    if (raw) {
      const limit = RAW_ATTACHER_QUEUE_BYTES / (1024 * 1024);
      return {
        status: 1,
        notice: `kojo: fell over ${limit} MB behind ${id}'s output and was dropped (a raw stream cannot skip bytes)`,
      };
    }
    return { status: 1, notice: `kojo: the daemon closed the connection to ${id}` };
  } catch {
    return { status: 1, notice: 'kojo: lost connection to the kojo daemon' };
  } finally {
    client?.close();
  }
}

function handshake(socket: Duplex): Promise<{ result: AttachResult; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      const nl = pending.indexOf(10);
      if (nl === -1) {
        if (pending.length > MAX_CONTROL_FRAME_BYTES) fail(new CliError('bad answer from the kojo daemon'));
        return;
      }
      cleanup();
      socket.pause();
      let message: { result?: AttachResult; error?: { message: string } };
      try {
        message = JSON.parse(pending.subarray(0, nl).toString('utf8')) as typeof message;
      } catch {
        return reject(new CliError('bad answer from the kojo daemon'));
      }
      if (message.error) {
        socket.destroy();
        return reject(new CliError(message.error.message));
      }
      resolve({ result: message.result!, rest: pending.subarray(nl + 1) });
    };
    const onClose = (): void => fail(new CliError('lost connection to the kojo daemon'));
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
