// What a command tells the daemon about where it runs: its environment and
// directory. A daemon on another machine (--host) is told neither: there,
// the session runs with that machine's environment, from its home or the
// directory given (as docker -H runs with the remote engine's context).
import path from 'node:path';
import { selectedHost } from './remote/transport.js';
import { currentDir } from './output.js';
import { processEnv } from '../shared/processEnv.js';

/** This process's environment, for a daemon on this machine. */
export function callerEnv(): Record<string, string> | undefined {
  return selectedHost() ? undefined : processEnv();
}

/** The work directory: `--cwd` resolved here, or as given for another machine. */
export function callerCwd(option: string | undefined): string | undefined {
  if (selectedHost()) return option;
  return option !== undefined ? path.resolve(option) : currentDir();
}
