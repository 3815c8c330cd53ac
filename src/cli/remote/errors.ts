import type { RemoteHost } from './hostUrl.js';

/** ssh exits 255 for its own failures; anything else is the remote command's status. */
const SSH_FAILED = 255;
/** What a POSIX shell answers for a command it cannot find or run. */
const NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;

const CAUSES: { pattern: RegExp; cause: string }[] = [
  { pattern: /Could not resolve hostname|Name or service not known|nodename nor servname/i, cause: 'unknown host' },
  {
    pattern: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i,
    cause: 'host key not trusted (check and accept it once with a plain ssh)',
  },
  { pattern: /Permission denied|Too many authentication failures/i, cause: 'ssh refused the login' },
  { pattern: /Connection refused/i, cause: 'connection refused' },
  { pattern: /timed out|Connection timed out/i, cause: 'connection timed out' },
  { pattern: /No route to host|Network is unreachable/i, cause: 'host unreachable' },
  { pattern: /Connection closed|Connection reset|Broken pipe/i, cause: 'connection closed' },
];

/** The last meaningful line ssh (or the remote shell) wrote, without its `ssh: ` prefix. */
function lastLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^(Warning: Permanently added|debug\d?:)/.test(line));
  return (lines.at(-1) ?? '').replace(/^ssh: /, '');
}

/**
 * One line for the user, naming the host, for an ssh that ended before the
 * daemon answered: ssh's own failure, the remote kojo missing, or the
 * remote kojo's own `kojo: …` message passed through.
 */
export function describeSshFailure(
  remote: RemoteHost,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stderr: string,
): string {
  const line = lastLine(stderr);
  const kojoSaid = /(?:^|\n)kojo: (.*)$/m.exec(stderr.trimEnd());
  if (exit.code === NOT_FOUND || exit.code === NOT_EXECUTABLE || /command not found|: not found$/.test(line))
    return `${remote.label}: kojo is not installed there (ssh: command not found); if it is, set KOJO_REMOTE_COMMAND to its path there`;
  if (kojoSaid && exit.code !== SSH_FAILED) return `${remote.label}: ${kojoSaid[1]}`;
  if (exit.signal) return `${remote.label}: ssh was ended by ${exit.signal}`;
  const known = CAUSES.find(({ pattern }) => pattern.test(stderr));
  if (known) return `${remote.label}: ${known.cause}${line ? ` (ssh: ${line})` : ''}`;
  if (line) return `${remote.label}: ssh: ${line}`;
  return `${remote.label}: ssh exited with status ${exit.code ?? '?'} before the kojo daemon answered`;
}
