import net from 'node:net';
import type { Duplex } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JSONRPCClient, type JSONRPCRequest, type JSONRPCResponse } from 'json-rpc-2.0';
import { socketPathProblem, statePaths, type StatePaths } from '../shared/paths.js';
import { KOJO_VERSION, PROTOCOL_VERSION } from '../shared/version.js';
import { DAEMON_NODE_FLAGS, DAEMON_START_TIMEOUT_MS, MAX_CONTROL_FRAME_BYTES } from '../shared/limits.js';
import { LineReader, lineTooLarge } from '../shared/lineReader.js';
import { openLogNoFollow, stateDirProblem } from '../shared/stateDir.js';
import type { Methods, MethodName } from '../shared/protocol.js';
import type { HelloResult } from '../shared/protocol/requests.js';
import { CliError, exitStatusFor, warn } from './output.js';
import { attempt } from '../shared/systemError.js';
import { selectedHost } from './remote/transport.js';
import { openSshStream } from './remote/sshTransport.js';
import { checkRemoteVersion } from './remote/version.js';

/** Connections still open; main closes them when a command ends, however it ends. */
const openClients = new Set<DaemonClient>();

export function closeAllClients(): void {
  for (const client of openClients) client.close();
}

export type NotificationHandler = (method: string, params: unknown) => void;

/** A JSON-RPC connection to the daemon. */
export class DaemonClient {
  private readonly rpc: JSONRPCClient;
  private closed = false;
  onNotification: NotificationHandler | undefined;
  onClose: (() => void) | undefined;
  /** The daemon's hello, once connectDaemon has checked it. */
  hello: HelloResult | undefined;

  constructor(readonly socket: Duplex) {
    openClients.add(this);
    this.rpc = new JSONRPCClient((request: JSONRPCRequest) => {
      const line = JSON.stringify(request) + '\n';
      // The daemon would refuse it and close: say why instead of "lost connection".
      if (Buffer.byteLength(line) > MAX_CONTROL_FRAME_BYTES) throw new Error(lineTooLarge(MAX_CONTROL_FRAME_BYTES));
      socket.write(line);
    });
    const lines = new LineReader(64 * MAX_CONTROL_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) {
        let message: JSONRPCResponse & { method?: string; params?: unknown };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          // Over ssh, typically a shell start-up file there printing to stdout.
          socket.destroy(
            new CliError(
              `not the daemon speaking: ${JSON.stringify(line.slice(0, 60))} (over ssh: does a shell start-up file there print?)`,
            ),
          );
          return;
        }
        if (message.method !== undefined && message.id === undefined)
          this.onNotification?.(message.method, message.params);
        else if (message.id === null && message.error) this.rpc.rejectAllPendingRequests(message.error.message);
        else this.rpc.receive(message);
      }
    });
    const lost = (error?: Error): void => {
      if (this.closed) return;
      this.closed = true;
      // A remote connection's error already says what went wrong, naming the host.
      this.rpc.rejectAllPendingRequests(
        error instanceof CliError ? error.message : 'lost connection to the kojo daemon',
      );
      this.onClose?.();
    };
    socket.on('close', lost);
    socket.on('error', lost);
  }

  async call<M extends MethodName>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
    try {
      return (await this.rpc.request(method, params)) as Methods[M]['result'];
    } catch (error) {
      throw new CliError((error as Error).message, exitStatusFor(error));
    }
  }

  close(): void {
    openClients.delete(this);
    this.closed = true;
    this.socket.destroy();
  }
}

/** Connects to the daemon, starting it first when none answers. */
export async function connectDaemon(options: { autostart?: boolean } = {}): Promise<DaemonClient> {
  const remote = selectedHost();
  if (remote) {
    const client = new DaemonClient(await openSshStream(remote, options));
    const hello = await client.call('daemon.hello', {});
    checkRemoteVersion(hello, remote);
    client.hello = hello;
    return client;
  }
  const { socket, exited } = await openLocal(options);
  const client = new DaemonClient(socket);
  const hello = await client.call('daemon.hello', {}).catch(async (error: unknown) => {
    // A daemon we started may listen and still give up while starting.
    if (exited && (await daemonExits(exited))) throw new CliError(`the kojo daemon did not start: ${whyNotStarted()}`);
    throw error;
  });
  checkDaemonVersion(hello);
  client.hello = hello;
  return client;
}

export const NOT_RUNNING = 'the kojo daemon is not running';

/** Takes what arrived; a chunk is only valid during the call. Returns false to stop reading for now. */
export type ChunkReader = (chunk: Buffer) => boolean;

/**
 * The attach connection, read by `read`. A local socket reads into one
 * reused buffer (net's `onread`): no allocation per read on the relay's
 * hot path. The ssh channel's chunks are handed over as they come.
 */
export async function openReadStream(read: ChunkReader): Promise<Duplex> {
  const remote = selectedHost();
  if (remote) {
    const stream = await openSshStream(remote, { autostart: false });
    stream.on('data', (chunk: Buffer) => read(chunk) || stream.pause());
    return stream;
  }
  return (await openLocal({ autostart: false }, read)).socket;
}

/** This machine's daemon socket, starting the daemon first when none answers. */
export async function openLocalStream(options: { autostart?: boolean } = {}): Promise<net.Socket> {
  return (await openLocal(options)).socket;
}

async function openLocal(
  options: { autostart?: boolean },
  read?: ChunkReader,
): Promise<{ socket: net.Socket; exited?: () => boolean }> {
  const paths = statePaths();
  const problem = socketPathProblem(paths) ?? stateDirProblem(paths);
  if (problem) throw new CliError(problem);
  const socket = await tryConnect(paths.socket, read);
  if (socket) return { socket };
  if (options.autostart === false) throw new CliError(NOT_RUNNING);
  const exited = startDaemon(paths);
  return { socket: await waitForDaemon(paths.socket, exited), exited };
}

export function checkDaemonVersion(hello: HelloResult): void {
  if (hello.protocol !== PROTOCOL_VERSION) {
    throw new CliError(
      `the running daemon (kojo ${hello.version}, pid ${hello.pid}) speaks protocol ${hello.protocol}, this kojo ${KOJO_VERSION} speaks ${PROTOCOL_VERSION}; restart it: kojo daemon stop`,
    );
  }
  if (hello.version !== KOJO_VERSION) {
    warn(
      `the running daemon is kojo ${hello.version}, this is ${KOJO_VERSION}; restart it to upgrade: kojo daemon stop`,
    );
  }
}

export function tryConnect(socketPath: string, read?: ChunkReader): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const onread = read && {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array) => read(Buffer.from(buffer.buffer, buffer.byteOffset, bytes)),
    };
    const socket = net.connect({ path: socketPath, onread });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

const READ_BUFFER_BYTES = 64 * 1024;

/** Starts the daemon (what `kojo daemon run` runs) detached from this terminal, logging to the daemon log. */
export function startDaemon(paths: StatePaths): () => boolean {
  const mkdir = (dir: string): void => void fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  attempt(`create the state directory ${paths.home}`, () => mkdir(paths.home));
  const log = attempt(`open the daemon log ${paths.log}`, () => {
    mkdir(path.dirname(paths.log));
    return openLogNoFollow(paths.log);
  });
  // The daemon's own bundle beside this one.
  const child = spawn(
    process.execPath,
    [...DAEMON_NODE_FLAGS, fileURLToPath(new URL('./daemon.js', import.meta.url))],
    {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: '/',
      env: process.env,
    },
  );
  child.unref();
  fs.closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  return () => exited;
}

async function waitForDaemon(socketPath: string, exited: () => boolean = () => false): Promise<net.Socket> {
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  let wait = 5;
  while (Date.now() < deadline) {
    const socket = await tryConnect(socketPath);
    if (socket) return socket;
    // A daemon that gave up says why in its log (another may have won the race: look once more).
    if (exited()) {
      const late = await tryConnect(socketPath);
      if (late) return late;
      throw new CliError(`the kojo daemon did not start: ${whyNotStarted()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 100);
  }
  throw new CliError(`the kojo daemon did not start: ${whyNotStarted()}`);
}

/** What the daemon's log says about its failed start, else a full disk, else where to look. */
function whyNotStarted(): string {
  const paths = statePaths();
  try {
    const lines = fs.readFileSync(paths.log, 'utf8').trimEnd().split('\n');
    const last = lines.reverse().find((line) => / (cannot|not) start(ing)?: /.test(line));
    if (last) return `${last.replace(/^.*? (cannot start|not starting): /, '')} (log: ${paths.log})`;
  } catch {
    // No log: perhaps no room for one.
  }
  try {
    if (fs.statfsSync(paths.home).bavail === 0) return `the disk holding ${paths.home} is full`;
  } catch {
    // Cannot tell.
  }
  return `see ${paths.log}`;
}

async function daemonExits(exited: () => boolean): Promise<boolean> {
  for (let i = 0; i < 40 && !exited(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return exited();
}
