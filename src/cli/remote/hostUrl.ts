import { CliError } from '../output.js';

/** A daemon on another machine, reached through the system ssh. */
export interface RemoteHost {
  /** As ssh takes it (an alias from ~/.ssh/config works), without the user. */
  host: string;
  user?: string;
  port?: number;
  /** The remote KOJO_HOME; `~/…` is the remote user's home. */
  stateDir?: string;
  /** How errors name it: the host as the user wrote it. */
  label: string;
}

const FORM = 'ssh://[user@]host[:port][/state-dir]';
const URL_PATTERN = /^ssh:\/\/(?:([^@/]+)@)?(\[[0-9A-Fa-f:.]+\]|[^/:@[\]]+)(?::([^/]*))?(\/.*)?$/;

/** Parses `--host` / KOJO_HOST; anything that is not a plain ssh URL is refused, never handed to ssh. */
export function parseHostUrl(url: string): RemoteHost {
  const bad = (why: string): CliError =>
    new CliError(`bad host URL ${JSON.stringify(url)}: ${why} (expected ${FORM})`, 2);
  if (!url.startsWith('ssh://')) throw bad('only ssh:// is supported');
  const match = URL_PATTERN.exec(url);
  if (!match) throw bad('malformed');
  const [, user, rawHost, rawPort, rawPath] = match as unknown as [string, string?, string?, string?, string?];
  const host = rawHost!.startsWith('[') ? rawHost!.slice(1, -1) : rawHost!;
  // ssh would read either as an option (the classic ssh -oProxyCommand= injection).
  if (host.startsWith('-')) throw bad('a host cannot begin with "-"');
  if (user !== undefined && (user.startsWith('-') || !/^[A-Za-z0-9._-][A-Za-z0-9._@-]*$/.test(user)))
    throw bad(`bad user name ${JSON.stringify(user)}`);
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) throw bad(`bad host name ${JSON.stringify(host)}`);
  let port: number | undefined;
  if (rawPort !== undefined) {
    port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!(port >= 1 && port <= 65535)) throw bad(`bad port ${JSON.stringify(rawPort)}`);
  }
  let stateDir: string | undefined;
  if (rawPath !== undefined && rawPath !== '/') {
    try {
      stateDir = decodeURIComponent(rawPath);
    } catch {
      throw bad('bad %-escape in the state directory');
    }
    // ssh://box/~/x is ~/x there; ssh://box/srv/kojo is /srv/kojo.
    if (stateDir.startsWith('/~/') || stateDir === '/~') stateDir = stateDir.slice(1);
    if (stateDir.includes('\0') || stateDir.includes('\n')) throw bad('bad state directory');
  }
  return {
    host,
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port }),
    ...(stateDir !== undefined && { stateDir }),
    label: host,
  };
}
