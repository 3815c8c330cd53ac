import fs from 'node:fs';
import os from 'node:os';
import { ErrorCode, KojoError } from '../../shared/errors.js';

/** Where and with what a session's program runs: checked before anything starts. */
export function checkWorkDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new KojoError(ErrorCode.BadWorkDir, `no such directory: ${dir}`);
  }
  if (!stat.isDirectory()) throw new KojoError(ErrorCode.BadWorkDir, `not a directory: ${dir}`);
  try {
    // tmux would quietly start in / instead.
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    throw new KojoError(ErrorCode.BadWorkDir, `cannot enter directory: ${dir} (permission denied)`);
  }
}

/**
 * The caller's environment for a session: TERM defaulted, the caller's own
 * tmux forgotten (a tmux pane gets kojo's server and pane instead), and where
 * the program runs (KOJO_SESSION_ID, KOJO_SESSION_NAME when named).
 */
export function sessionEnv(
  callerEnv: Record<string, string>,
  id: string,
  name: string | undefined,
): Record<string, string> {
  const env = { ...callerEnv };
  if (!env.TERM) env.TERM = 'xterm-256color';
  delete env.TMUX;
  delete env.TMUX_PANE;
  delete env.KOJO_SESSION_NAME;
  env.KOJO_SESSION_ID = id;
  if (name !== undefined) env.KOJO_SESSION_NAME = name;
  return env;
}

export function loginShell(env: Record<string, string>): string {
  return env.SHELL || os.userInfo().shell || '/bin/sh';
}
