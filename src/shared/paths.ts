import path from 'node:path';
import envPaths from 'env-paths';

/** Where one kojo installation keeps its state; one daemon per state directory. */
export interface StatePaths {
  home: string;
  /** 0700 directory holding the control socket and the tmux socket. */
  runDir: string;
  socket: string;
  tmuxSocket: string;
  fifoDir: string;
  store: string;
  /** config.json: in the config directory (XDG_CONFIG_HOME/kojo), or in KOJO_HOME when that is set. */
  config: string;
  /** Where config.json lived before it moved; read once, to migrate. */
  legacyConfig?: string;
  log: string;
  takeoverLock: string;
}

/** A Unix socket's path has room for 108 bytes on Linux (104 elsewhere), its final NUL included. */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Why the sockets cannot live under this state directory, if they cannot. */
export function socketPathProblem(paths: StatePaths): string | undefined {
  const bytes = Buffer.byteLength(paths.socket); // tmux.sock beside it is as long
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the state directory's path is too long for a socket (${paths.socket} is ${bytes} bytes, at most ${MAX_SOCKET_PATH_BYTES}); set KOJO_HOME to a shorter directory`;
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const explicit = env.KOJO_HOME;
  const dirs = envPaths('kojo', { suffix: '' });
  const dataDir = explicit ? path.resolve(explicit) : dirs.data;
  const logDir = explicit ? dataDir : dirs.log;
  const runDir = path.join(dataDir, 'run');
  const inData = path.join(dataDir, 'config.json');
  return {
    home: dataDir,
    runDir,
    socket: path.join(runDir, 'kojo.sock'),
    tmuxSocket: path.join(runDir, 'tmux.sock'),
    fifoDir: path.join(runDir, 'fifo'),
    store: path.join(dataDir, 'sessions.json'),
    config: explicit ? inData : path.join(dirs.config, 'config.json'),
    ...(!explicit && { legacyConfig: inData }),
    log: path.join(logDir, 'daemon.log'),
    takeoverLock: path.join(runDir, 'takeover.lock'),
  };
}
