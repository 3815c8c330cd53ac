import fs from 'node:fs';
import net from 'node:net';
import { spawn, type IPty } from 'node-pty';
import type { Backend, BackendEvents, ProgramSpec } from './backend.js';
import { EndMarker } from './endMarker.js';
import { copyingRead } from './readBuffer.js';
import { signalName } from '../signals.js';

/**
 * A program on a node-pty PTY owned by the daemon.
 *
 * node-pty 1.1 on Linux loses the last KB of output when the program exits:
 * the slave side closes, the master read fails with EIO while bytes are still
 * queued, and node-pty destroys its socket 200 ms after exit regardless. So
 * we hold our own descriptor on the slave side (the master then never sees
 * EIO) and, when node-pty goes to destroy the socket, we first write a unique
 * marker into the slave and wait until it comes out of the master: every byte
 * the program wrote precedes it. The marker is cut from the stream.
 */
export class PtyBackend implements Backend {
  private readonly pty: IPty;
  private slaveFd: number | undefined;
  /** Set while draining after the program exited. */
  private marker: EndMarker | undefined;
  private finishDrain: (() => void) | undefined;
  private exited = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly reader: net.Socket | undefined;

  constructor(
    request: ProgramSpec,
    private readonly events: BackendEvents,
  ) {
    this.pty = spawn(request.file, request.args, {
      name: request.env.TERM ?? 'xterm-256color',
      cols: request.cols,
      rows: request.rows,
      cwd: request.cwd,
      env: request.env,
      encoding: null,
    });
    const internals = this.pty as unknown as {
      ptsName?: string;
      _socket?: PtySocket;
    };
    try {
      if (internals.ptsName) {
        this.slaveFd = fs.openSync(internals.ptsName, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      }
    } catch {
      this.slaveFd = undefined; // The program may already be gone; nothing left to protect.
    }
    const socket = internals._socket;
    if (socket && this.slaveFd !== undefined) {
      const destroy = socket.destroy.bind(socket);
      socket.destroy = (error?: Error) => {
        if (this.finishDrain || this.slaveFd === undefined) return destroy(error);
        this.drainThen(() => destroy(error));
      };
    }
    this.reader = socket ? readFast(socket, (chunk) => this.onChunk(chunk)) : undefined;
    // With encoding null node-pty hands over Buffers.
    if (!this.reader)
      (this.pty.onData as unknown as (listener: (chunk: Buffer) => void) => void)((chunk) => this.onChunk(chunk));
    this.pty.onExit(({ exitCode, signal }) => {
      this.exited = true;
      clearTimeout(this.killTimer);
      this.closeSlave();
      // Like a shell: a program ended by signal N exits 128 + N.
      this.events.onExit(signal ? 128 + signal : exitCode, signal ? signalName(signal) : undefined);
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  write(data: Buffer | string): void {
    if (this.exited) return;
    // node-pty's write stream takes Buffers as is (typed as string).
    this.pty.write(data as string);
  }

  /** Stop reading the program's output: it blocks once the PTY's buffer fills (flow control). */
  pause(): void {
    if (!this.marker) (this.reader ?? this.pty).pause();
  }

  resume(): void {
    (this.reader ?? this.pty).resume();
  }

  resize(cols: number, rows: number): void {
    if (this.exited) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The PTY closed under us; the exit event follows.
    }
  }

  terminate(): void {
    this.signal('SIGTERM');
  }

  kill(): void {
    this.signal('SIGKILL');
  }

  detach(): void {
    this.kill();
  }

  private signal(name: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      process.kill(this.pty.pid, name);
    } catch {
      // Already gone.
    }
  }

  private onChunk(chunk: Buffer): void {
    if (!this.marker) return this.events.onData(chunk);
    if (this.marker.feed(chunk, (data) => this.events.onData(data))) this.finishDrain?.();
  }

  private drainThen(destroy: () => void): void {
    const marker = new EndMarker();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      marker.release((data) => this.events.onData(data));
      this.marker = undefined;
      this.closeSlave();
      destroy();
    };
    // If the terminal is stopped (^S) the marker never arrives; do not hang.
    const fallback = setTimeout(finish, 2000);
    this.finishDrain = finish;
    this.marker = marker;
    // The program is gone: what it left in the PTY is bounded, read it all.
    this.resume();
    fs.write(this.slaveFd!, marker.bytes, (error) => {
      if (error) finish();
    });
  }

  private closeSlave(): void {
    if (this.slaveFd === undefined) return;
    try {
      fs.closeSync(this.slaveFd);
    } catch {
      // Already closed.
    }
    this.slaveFd = undefined;
  }
}

/** Internals of node-pty's read stream (a tty.ReadStream over the master). */
interface PtySocket {
  pause(): void;
  destroy(error?: Error): void;
  _handle?: { readStop(): number; reading: boolean };
}

/** Reads the PTY master through copyingRead instead of node-pty's stream (taking over its handle). */
function readFast(stream: PtySocket, onChunk: (chunk: Buffer) => void): net.Socket | undefined {
  const handle = stream._handle;
  if (!handle) return undefined;
  stream.pause();
  handle.readStop();
  handle.reading = false; // so that the new socket starts reading
  const reader = new net.Socket({ handle, onread: copyingRead(onChunk) } as net.SocketConstructorOpts);
  reader.on('error', () => undefined); // EIO at the end: node-pty's own stream reports the close
  return reader;
}
