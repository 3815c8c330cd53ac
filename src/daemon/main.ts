import fs from 'node:fs';
import path from 'node:path';
import type net from 'node:net';
import { socketPathProblem, statePaths } from '../shared/paths.js';
import { stateDirProblem } from '../shared/stateDir.js';
import { KOJO_VERSION, PROTOCOL_VERSION } from '../shared/version.js';
import type { HelloResult } from '../shared/protocol/requests.js';
import { listenExclusive } from './control/socketLock.js';
import { ControlServer } from './control/server.js';
import { SessionManager } from './session/manager.js';
import { Store } from './session/store.js';
import { Config } from './config.js';
import { EmulatorHost } from './emulator/host.js';
import { log } from './logger.js';
import { onShutdownSignal } from './signals.js';
import { detectTmux } from './backends/tmux/provider.js';
import { PtyProvider } from './backends/ptyProvider.js';
import { TerminalChildren } from './session/terminals.js';
import { attempt, SystemFailure } from '../shared/systemError.js';
import { OutputLogs } from './session/outputLog.js';

/** `kojo daemon run`: serve until SIGINT/SIGTERM or `kojo daemon stop`. */
export async function runDaemon(): Promise<number> {
  try {
    return await serve();
  } catch (error) {
    // A daemon that cannot serve must not sit on the socket. One line for
    // what it tried (the CLI quotes it), a stack only for the unexpected.
    const known = error instanceof SystemFailure || error instanceof StartError;
    log(`not starting: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
    try {
      fs.rmSync(statePaths().socket, { force: true });
    } catch {
      // There was no socket to leave behind.
    }
    process.exit(1);
  }
}

async function serve(): Promise<number> {
  const paths = statePaths();
  const problem = socketPathProblem(paths);
  if (problem) throw new StartError(problem);
  const unsafe = stateDirProblem(paths);
  if (unsafe) throw new StartError(unsafe);
  attempt(`create the state directory ${paths.home}`, () => {
    fs.mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  });
  attempt(`create the socket directory ${paths.runDir}`, () => {
    fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(paths.runDir, 0o700);
  });

  const listener = await listenExclusive(paths.socket, paths.takeoverLock).catch((error: unknown) => {
    throw new SystemFailure(`listen on ${paths.socket}`, error);
  });
  if (!listener) {
    log(`not starting: another kojo daemon already serves ${paths.socket}`);
    return 1;
  }
  fs.chmodSync(paths.socket, 0o600);
  // Clients may connect while sessions are being adopted: hold them until served.
  const early: net.Socket[] = [];
  const holdEarly = (socket: net.Socket): number => early.push(socket);
  listener.on('connection', holdEarly);
  const startedAt = new Date().toISOString();
  log(`kojo daemon ${KOJO_VERSION} (pid ${process.pid}) serving ${paths.socket}`);

  const config = new Config(paths.config, paths.legacyConfig);
  const store = new Store(paths.store, { keepSecrets: () => config.get('persist-secrets') === 'on' });
  const emulator = new EmulatorHost(
    new URL('./emulatorWorker.js', import.meta.url) /* dist/emulatorWorker.js beside dist/daemon.js */,
  );
  // Before any PTY is opened: the tmux server it starts then holds none of our descriptors.
  const tmux = await detectTmux(paths, log);
  const terminals = new TerminalChildren(tmux.provider);
  const outputLogs = new OutputLogs(path.join(paths.home, 'logs'), config, log);
  const manager = new SessionManager({
    store,
    config,
    emulator,
    pty: new PtyProvider(),
    tmux: tmux.provider,
    log,
    outputLogs,
  });

  const loaded = store.load();
  let storeProblem: string | undefined;
  if (loaded.ok) {
    for (const warning of loaded.warnings ?? []) log(warning);
    const sessions = manager.load(loaded.records);
    await manager.adopt(sessions, { cleanOrphans: true });
    log(`loaded ${loaded.records.length} session(s) from ${paths.store}`);
  } else {
    storeProblem = loaded.problem;
    // tmux keeps a copy of each of its sessions' records: take those back.
    const kept = await (tmux.provider?.remembered() ?? Promise.resolve([]));
    const records = kept.map((text) => store.parse(text)).filter((record) => record !== undefined);
    await manager.adopt(manager.load(records), { cleanOrphans: false });
    log(
      `store problem: ${loaded.problem}; re-adopted ${records.length} tmux-backed session(s) from tmux, orphan cleanup skipped`,
    );
  }
  // Exited-with-the-last-daemon direct sessions were finalised by adopt; save once.
  manager.saveNow();

  let shuttingDown = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down (${reason})`);
    control.closeAll();
    await manager.shutdown();
    await outputLogs.close();
    await emulator.terminate();
    fs.rmSync(paths.socket, { force: true });
    log('stopped');
    process.exit(0);
  };

  const hello = (): HelloResult => {
    const result: HelloResult = {
      version: KOJO_VERSION,
      protocol: PROTOCOL_VERSION,
      pid: process.pid,
      home: paths.home,
      startedAt,
      sessions: manager.count,
      tmux: tmux.status,
    };
    const problem = storeProblem ?? manager.saveProblem;
    if (problem) result.storeProblem = problem;
    return result;
  };

  const control = new ControlServer(
    listener,
    {
      manager,
      config,
      hello,
      shutdown: () => void shutdown('kojo daemon stop'),
      tmuxOpen: async (ref) => (await terminals.open(manager, ref)).info(),
      tmuxAction: (ref, action) => terminals.action(manager, ref, action),
      outputLogs,
    },
    manager,
    log,
  );
  listener.off('connection', holdEarly);
  for (const socket of early) control.accept(socket);
  onShutdownSignal((signal) => void shutdown(signal));
  process.on('uncaughtException', (error) => log(`uncaught: ${error.stack ?? String(error)}`));
  return new Promise<number>(() => undefined);
}

/** A reason not to start that the log states in one line, without a stack. */
class StartError extends Error {}
