import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { statePaths } from '../../shared/paths.js';
import type { RemoteHost } from './hostUrl.js';
import { SshStream } from './sshStream.js';

/** Seconds ssh may take to reach the host before it gives up. */
const SSH_CONNECT_TIMEOUT_S = 10;
/** Seconds a shared ssh connection stays up after its last use. */
const SSH_CONTROL_PERSIST_S = 60;
/** A Unix socket path has room for 107 bytes on Linux; %C expands to 40 hex digits. */
const MAX_CONTROL_PATH_BYTES = 103;

export interface DialOptions {
  /** false: fail if the remote daemon is not running instead of starting it. */
  autostart?: boolean;
}

/** Runs `ssh … kojo system dial-stdio` and returns its stdio as one connection to the remote daemon. */
export function openSshStream(remote: RemoteHost, options: DialOptions = {}): SshStream {
  const child = spawn('ssh', sshArgs(remote, options), { stdio: ['pipe', 'pipe', 'pipe'] });
  return new SshStream(child, remote);
}

export function sshArgs(remote: RemoteHost, options: DialOptions = {}, env = process.env): string[] {
  // The user's own options first: for ssh the first value given for an option wins.
  const args = [...splitOptions(env.KOJO_SSH_OPTS), '-T', '-o', 'BatchMode=yes'];
  args.push('-o', `ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`);
  const controlPath = controlSocketPath(env);
  if (controlPath) {
    args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`);
    args.push('-o', `ControlPersist=${SSH_CONTROL_PERSIST_S}`);
  }
  if (remote.user !== undefined) args.push('-l', remote.user);
  if (remote.port !== undefined) args.push('-p', String(remote.port));
  args.push('--', remote.host, remoteCommand(remote, options, env));
  return args;
}

/** KOJO_SSH_OPTS is split at white space (no quoting), e.g. `-F ~/.ssh/work_config -o ProxyJump=gw`. */
function splitOptions(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

/** Shared connections live beside the local daemon's socket, or not at all if the path is too long. */
function controlSocketPath(env: NodeJS.ProcessEnv): string | undefined {
  const { runDir } = statePaths(env);
  const controlPath = path.join(runDir, 'ssh-%C');
  if (Buffer.byteLength(controlPath) - 2 + 40 > MAX_CONTROL_PATH_BYTES) return undefined;
  try {
    fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  return controlPath;
}

/**
 * The command line the remote login shell runs. `env` sets KOJO_HOME in any
 * shell (sh, fish, csh alike); KOJO_REMOTE_COMMAND is used as written, so
 * `~/bin/kojo` or `node /opt/kojo/bin/kojo` work.
 */
function remoteCommand(remote: RemoteHost, options: DialOptions, env: NodeJS.ProcessEnv): string {
  const kojo = env.KOJO_REMOTE_COMMAND?.trim() || 'kojo';
  const words = [kojo, 'system', 'dial-stdio'];
  if (options.autostart === false) words.push('--no-autostart');
  if (remote.stateDir === undefined) return words.join(' ');
  const home =
    remote.stateDir === '~'
      ? '"$HOME"'
      : remote.stateDir.startsWith('~/')
        ? `"$HOME"/${shellQuote(remote.stateDir.slice(2))}`
        : shellQuote(remote.stateDir);
  return ['env', `KOJO_HOME=${home}`, ...words].join(' ');
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
