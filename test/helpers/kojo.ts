// Test harness: the built CLI as a process, a private KOJO_HOME per test, real
// PTYs for attached terminals, and cleanup of every process by PID.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { execa } from 'execa';
import { PtyBackend } from '../../src/daemon/backends/pty.js';
import { ModeTracker } from '../../src/shared/modeTracker.js';
import { alive, pidsOf, waitFor } from './wait.js';

export { alive, waitFor };

/** The checkout: the nearest folder above this (bundled) test file that holds package.json. */
export const ROOT = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
export const KOJO_BIN = path.join(ROOT, 'bin/kojo');
export const FIXTURE_BIN = path.join(ROOT, 'test/fixtures/bin');

/** The last state of each DEC private mode in what a terminal was sent, e.g. '\x1b[?25l'. */
export function decModes(output: Buffer): string {
  const tracker = new ModeTracker();
  tracker.scan(output);
  return tracker.take();
}

/** Shell: wait in the session, printing nothing, until the test creates the file `go` in the work dir. */
export const WAIT_FOR_GO = 'while [ ! -e go ]; do sleep 0.02; done';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  home: string;
  /** A scratch directory for files the test makes. */
  dir: string;
  env: Record<string, string>;
  run(
    args: string[],
    options?: { input?: string; env?: Record<string, string>; cwd?: string; timeout?: number },
  ): Promise<RunResult>;
  /** The running daemon's PID, if one answers. */
  daemonPid(): Promise<number | undefined>;
  /** Attach in a real PTY, as a person at a terminal. */
  attachPty(args: string[], size?: { cols: number; rows: number }): PtyClient;
  /** A shell script in a real PTY; $KOJO is the CLI. */
  shellPty(script: string, size?: { cols: number; rows: number }): PtyClient;
  cleanup(): Promise<void>;
}

export async function sandbox(options: { path?: string[]; extraEnv?: Record<string, string> } = {}): Promise<Sandbox> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-test-'));
  const home = path.join(base, 'home');
  const dir = path.join(base, 'work');
  fs.mkdirSync(dir);
  const env: Record<string, string> = {
    PATH: [...(options.path ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: process.env.HOME ?? '/root',
    KOJO_HOME: home,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    NO_COLOR: '1',
    ...options.extraEnv,
  };
  const ptys = new Set<PtyClient>();
  const box: Sandbox = {
    home,
    dir,
    env,
    run: async (args, runOptions = {}) => {
      const result = await execa(KOJO_BIN, args, {
        env: { ...env, ...runOptions.env },
        extendEnv: false,
        cwd: runOptions.cwd ?? dir,
        input: runOptions.input ?? '',
        reject: false,
        timeout: runOptions.timeout ?? 30_000,
      });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    daemonPid: async () => {
      const socket = await connect(path.join(home, 'run/kojo.sock'));
      if (!socket) return undefined;
      const answer = await request(socket, 'daemon.hello', {});
      socket.destroy();
      return (answer as { result?: { pid: number } }).result?.pid;
    },
    attachPty: (args, size = { cols: 80, rows: 24 }) => {
      const client = new PtyClient(process.execPath, [KOJO_BIN, ...args], env, dir, size);
      ptys.add(client);
      return client;
    },
    shellPty: (script, size = { cols: 80, rows: 24 }) => {
      const client = new PtyClient('/bin/sh', ['-c', script], { ...env, KOJO: KOJO_BIN }, dir, size);
      ptys.add(client);
      return client;
    },
    cleanup: async () => {
      for (const pty of ptys) pty.kill();
      const pid = await box.daemonPid().catch(() => undefined);
      if (pid) {
        process.kill(pid, 'SIGTERM');
        await waitFor(() => !alive(pid), 10_000, 'daemon to exit').catch(() => process.kill(pid, 'SIGKILL'));
      }
      // kojo's private tmux server outlives the daemon by design; end it here.
      await execa('tmux', ['-S', path.join(home, 'run/tmux.sock'), 'kill-server'], { reject: false });
      // Whatever is left of this sandbox (a daemon whose socket a test moved, a respawned tmux).
      for (const left of pidsOf(base)) {
        try {
          process.kill(left, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  return box;
}

export function connect(socketPath: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

/** Sends one raw line and reads one JSON line back. */
export function rawExchange(socket: net.Socket, line: string | Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl === -1) return;
      socket.off('data', onData);
      try {
        resolve(JSON.parse(buffer.slice(0, nl)));
      } catch (error) {
        reject(error as Error);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(line);
  });
}

let nextId = 1;
export function request(socket: net.Socket, method: string, params: unknown): Promise<unknown> {
  return rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }) + '\n');
}

/**
 * `kojo attach …` (or any kojo command) running in a real PTY. It runs on the
 * daemon's own PtyBackend: bare node-pty loses the last output of a program
 * that exits (SPEC §3), which is exactly what these tests look at.
 */
export class PtyClient {
  private readonly backend: PtyBackend;
  output = Buffer.alloc(0);
  exitCode: number | undefined;
  private readonly exited: Promise<number>;

  constructor(
    file: string,
    args: string[],
    env: Record<string, string>,
    cwd: string,
    size: { cols: number; rows: number },
  ) {
    let resolveExit: (code: number) => void = () => undefined;
    this.exited = new Promise((resolve) => (resolveExit = resolve));
    this.backend = new PtyBackend(
      { file, args, cwd, env, ...size },
      {
        onData: (data) => {
          this.output = Buffer.concat([this.output, data]);
        },
        onExit: (exitCode) => {
          this.exitCode = exitCode ?? -1;
          resolveExit(this.exitCode);
        },
      },
    );
  }

  get pid(): number {
    return this.backend.pid;
  }

  resize(cols: number, rows: number): void {
    this.backend.resize(cols, rows);
  }

  get text(): string {
    return this.output.toString('utf8');
  }

  write(data: string | Buffer): void {
    this.backend.write(data);
  }

  async waitForText(needle: string | RegExp, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      () => (typeof needle === 'string' ? this.text.includes(needle) : needle.test(this.text)),
      timeoutMs,
      () => `output ${String(needle)} (got ${JSON.stringify(this.text.slice(-300))})`,
    );
  }

  waitForExit(timeoutMs = 15_000): Promise<number> {
    return Promise.race([
      this.exited,
      new Promise<number>((_, reject) =>
        setTimeout(
          () => reject(new Error(`attach did not exit; output ${JSON.stringify(this.text.slice(-300))}`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  }

  kill(): void {
    if (this.exitCode === undefined) this.backend.kill();
  }
}

/**
 * A sandbox factory for one test file: every sandbox it made is cleaned up
 * (its processes ended by PID, its files removed) when the file's tests end.
 */
export function sandboxes(options: Parameters<typeof sandbox>[0] = {}): () => Promise<Sandbox> {
  const made: Sandbox[] = [];
  after(async () => {
    await Promise.all(made.map((b) => b.cleanup()));
  });
  return async () => {
    const b = await sandbox(options);
    made.push(b);
    return b;
  };
}

/** kill -9 of the sandbox's daemon, by PID; resolves once it is gone. */
export async function crashDaemon(b: Sandbox): Promise<void> {
  const pid = (await b.daemonPid())!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !alive(pid), 10_000, 'daemon death');
}
