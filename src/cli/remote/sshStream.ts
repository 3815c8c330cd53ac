import { Duplex } from 'node:stream';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { CliError } from '../output.js';
import { describeSshFailure } from './errors.js';
import type { RemoteHost } from './hostUrl.js';

/** Enough of ssh's stderr to explain a failure; the rest is dropped. */
const STDERR_KEPT_BYTES = 8 * 1024;

/**
 * One ssh child's stdin/stdout as one byte stream: one connection to the
 * remote daemon, as a Unix socket is locally. It ends with an error that
 * says what went wrong (named host, one line) when ssh fails.
 */
export class SshStream extends Duplex {
  private answered = false;
  private stderr = '';

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly remote: RemoteHost,
  ) {
    super();
    child.stdout.on('data', (chunk: Buffer) => {
      this.answered = true;
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stdout.on('end', () => this.push(null));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (this.stderr.length < STDERR_KEPT_BYTES) this.stderr += text;
    });
    // A write after ssh died fails with EPIPE; the exit below says why, better.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.destroy(new CliError(`${remote.label}: cannot run ssh (${error.message})`)));
    child.on('close', (code, signal) => this.ended(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.destroyed) return;
    if (code === 0) {
      this.destroy();
      return;
    }
    const message = this.answered
      ? `connection to ${this.remote.label} lost`
      : describeSshFailure(this.remote, { code, signal }, this.stderr);
    this.destroy(new ConnectionLost(message, this.answered));
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Called back once the pipe took it: ssh's pace is the writer's pace.
    if (this.child.stdin.write(chunk)) callback();
    else this.child.stdin.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    callback(error);
  }
}

/** ssh ended: before the daemon answered (`established` false), or in the middle of things. */
export class ConnectionLost extends CliError {
  constructor(
    message: string,
    readonly established: boolean,
  ) {
    super(message);
  }
}
