// Whether the state directory can be trusted, as tmux checks its socket
// directory: another user who can write there could swap run/ and capture a
// `kojo new` with its environment, or plant the store or the log.
import fs from 'node:fs';
import path from 'node:path';
import type { StatePaths } from './paths.js';

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Why this directory is unsafe, if it is; a missing one is fine (kojo creates it 0700). */
export function directoryProblem(dir: string, uid = currentUid()): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (error) {
    // Missing, or under a file: creating it says why, in one line.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return `cannot check ${dir}: ${(error as Error).message}`;
  }
  if (stat.isSymbolicLink()) return `${dir} is a symlink; kojo keeps its state only in a real directory`;
  if (!stat.isDirectory()) return undefined; // Creating it fails and says so.
  if (uid !== undefined && stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}, not to you (uid ${uid})`;
  if (stat.mode & 0o022) {
    return `${dir} is writable by ${stat.mode & 0o020 ? 'group' : 'others'}; fix it with: chmod go-w ${dir}`;
  }
  return undefined;
}

/** Why this file is unsafe, if it is: a symlink, or someone else's. */
export function fileProblem(file: string, uid = currentUid()): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    // Missing, or under a file: creating it says why, in one line.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return `cannot check ${file}: ${(error as Error).message}`;
  }
  if (stat.isSymbolicLink()) return `${file} is a symlink; remove it`;
  if (uid !== undefined && stat.uid !== uid) return `${file} belongs to uid ${stat.uid}, not to you (uid ${uid})`;
  return undefined;
}

/** Every check the daemon makes before it creates or opens anything in the state directory. */
export function stateDirProblem(paths: StatePaths): string | undefined {
  const problem =
    directoryProblem(paths.home) ??
    directoryProblem(path.dirname(paths.log)) ??
    directoryProblem(paths.runDir) ??
    fileProblem(paths.socket) ??
    fileProblem(paths.store) ??
    fileProblem(paths.config) ??
    fileProblem(paths.log);
  return problem && `unsafe state directory: ${problem}`;
}

/** The daemon log, opened for appending without following a symlink. */
export function openLogNoFollow(file: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
  return fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
}
