import type { HelloResult } from '../../shared/protocol/requests.js';
import { KOJO_VERSION, PROTOCOL_VERSION } from '../../shared/version.js';
import { CliError, warn } from '../output.js';
import type { RemoteHost } from './hostUrl.js';

/** As checkDaemonVersion does locally, naming the host and both versions: the fix is an upgrade on one side. */
export function checkRemoteVersion(hello: HelloResult, remote: RemoteHost): void {
  const there = `kojo ${hello.version} (protocol ${hello.protocol})`;
  const here = `kojo ${KOJO_VERSION} (protocol ${PROTOCOL_VERSION})`;
  if (hello.protocol !== PROTOCOL_VERSION)
    throw new CliError(`${remote.label}: the daemon there is ${there}, this is ${here}; install the same kojo on both`);
  if (hello.version !== KOJO_VERSION)
    warn(`${remote.label}: the daemon there is kojo ${hello.version}, this is kojo ${KOJO_VERSION}`);
}
