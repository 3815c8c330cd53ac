// The benchmark's terminal: a PTY whose master the benchmark reads. Normally
// it reads through node-pty's events (fine for keystroke echo and for
// waiting on a prompt); for throughput it reads the master with far less
// work per read (fastRead), so the terminal is never the bottleneck.
import net, { type Socket } from 'node:net';
import { spawn as spawnPty, type IPty } from 'node-pty';
import { StreamCheck, type Expected, type Seen } from './check.js';
import { scratch, sleep } from './common.js';

export interface FastRead extends Seen {
  timedOut: boolean;
  /** Seconds from the start marker (or the first byte) to the end marker. */
  seconds: number;
}

export class Terminal {
  readonly pty: IPty;
  bytes = 0;
  lastDataAt = performance.now();
  private tail = '';
  private waiters: Array<{ text: string; resolve: () => void }> = [];

  constructor(file: string, args: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }) {
    this.pty = spawnPty(file, args, { ...size, cwd: scratch, env, encoding: null });
    (this.pty.onData as unknown as (listener: (data: Buffer) => void) => void)((data) => {
      this.bytes += data.length;
      this.lastDataAt = performance.now();
      this.tail = (this.tail + data.toString('latin1')).slice(-4096);
      for (const waiter of [...this.waiters]) {
        if (!this.tail.includes(waiter.text)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  until(text: string, timeoutMs = 30_000): Promise<void> {
    if (this.tail.includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}`)), timeoutMs);
      this.waiters.push({
        text,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Waits until at least `minBytes` arrived and nothing more for `quietMs`. */
  async settle(minBytes: number, quietMs = 150, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.bytes >= minBytes && performance.now() - this.lastDataAt >= quietMs) return;
      await sleep(20);
    }
  }

  clearTail(): void {
    this.tail = '';
  }

  write(text: string): void {
    this.pty.write(text);
  }

  /**
   * Reads the master with no per-read allocation or stream machinery: the
   * PTY handle moves from node-pty's stream to a socket that reads into one
   * fixed buffer and calls back. Stops at the end marker or the timeout;
   * `go` runs once reading has started.
   */
  async fastRead(expected: Expected, go: () => void, timeoutMs: number): Promise<FastRead> {
    const stream = (this.pty as unknown as { _socket: Socket })._socket;
    const handle = (stream as unknown as { _handle: { readStop(): number; reading: boolean } })._handle;
    stream.pause();
    handle.readStop();
    handle.reading = false; // so the new socket starts reading again
    const check = new StreamCheck(expected);
    let timedOut = false;
    await new Promise<void>((resolve) => {
      let reader: Socket | undefined = undefined;
      const finish = (): void => {
        clearTimeout(timer);
        reader?.pause();
        resolve();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        finish();
      }, timeoutMs);
      reader = new net.Socket({
        handle,
        onread: {
          buffer: Buffer.allocUnsafe(1 << 16),
          callback: (n: number, buffer: Uint8Array): boolean => {
            if (!check.take(Buffer.from(buffer.buffer, buffer.byteOffset, n))) return true;
            finish();
            return false;
          },
        },
      } as net.SocketConstructorOpts);
      reader.on('error', finish); // EIO: the terminal's last process has gone
      reader.on('end', finish);
      go();
    });
    const seen = check.seen;
    const from = seen.startNs || seen.firstNs;
    const to = seen.endNs || Number(process.hrtime.bigint());
    return { ...seen, timedOut, seconds: (to - from) / 1e9 };
  }

  kill(): void {
    try {
      process.kill(this.pty.pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}
