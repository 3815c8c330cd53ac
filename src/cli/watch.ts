import { connectDaemon } from './client.js';
import { Notification, type WatchTopic } from '../shared/protocol.js';

/**
 * Streams a session's events until it exits, the daemon goes, or Ctrl-C.
 * `print` receives each event's params.
 */
export async function watch(ref: string, topic: WatchTopic, print: (params: unknown) => void): Promise<number> {
  const client = await connectDaemon();
  return new Promise<number>((resolve, reject) => {
    client.onNotification = (method, params) => {
      if (method === Notification.SessionExited) {
        client.close();
        resolve(0);
      } else print(params);
    };
    client.onClose = () => resolve(0);
    process.once('SIGINT', () => {
      client.close();
      resolve(130);
    });
    client.call('session.watch', { session: ref, topic }).catch((error: unknown) => {
      client.close();
      reject(error as Error);
    });
  });
}
