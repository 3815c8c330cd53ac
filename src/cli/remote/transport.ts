import { parseHostUrl, type RemoteHost } from './hostUrl.js';

let selected: RemoteHost | undefined;

/**
 * Chooses, once per process, where the daemon is: `--host` wins over
 * KOJO_HOST; neither means this machine's Unix socket.
 */
export function selectHost(url: string | undefined): void {
  const value = url ?? process.env.KOJO_HOST;
  selected = value ? parseHostUrl(value) : undefined;
}

/** The remote daemon's host, or undefined for the local one. */
export function selectedHost(): RemoteHost | undefined {
  return selected;
}
