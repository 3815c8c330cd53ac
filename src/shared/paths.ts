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
  config: string;
  log: string;
  takeoverLock: string;
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const explicit = env.KOJO_HOME;
  const dataDir = explicit ? path.resolve(explicit) : envPaths('kojo', { suffix: '' }).data;
  const logDir = explicit ? dataDir : envPaths('kojo', { suffix: '' }).log;
  const runDir = path.join(dataDir, 'run');
  return {
    home: dataDir,
    runDir,
    socket: path.join(runDir, 'kojo.sock'),
    tmuxSocket: path.join(runDir, 'tmux.sock'),
    fifoDir: path.join(runDir, 'fifo'),
    store: path.join(dataDir, 'sessions.json'),
    config: path.join(dataDir, 'config.json'),
    log: path.join(logDir, 'daemon.log'),
    takeoverLock: path.join(runDir, 'takeover.lock'),
  };
}
