import { connectDaemon } from './client.js';
import { Notification, type WatchTopic } from '../shared/protocol/requests.js';

/**
 * Prints what happened so far, then streams a session's events until it
 * exits, the daemon goes, or Ctrl-C. `print` receives each event's params.
 */
export async function watch(ref: string, topic: WatchTopic, print: (params: unknown) => void): Promise<number> {
  const client = await connectDaemon();
  return new Promise<number>((resolve, reject) => {
    let backlogPrinted = false;
    const early: Array<[string, unknown]> = [];
    const handle = (method: string, params: unknown): void => {
      if (method !== Notification.SessionExited) return print(params);
      client.close();
      resolve(0);
    };
    // Events that arrive before the backlog is printed wait their turn.
    client.onNotification = (method, params) =>
      backlogPrinted ? handle(method, params) : early.push([method, params]);
    client.onClose = () => resolve(0);
    process.once('SIGINT', () => {
      client.close();
      resolve(130);
    });
    client.call('session.watch', { session: ref, topic }).then(
      ({ backlog }) => {
        backlog.forEach(print);
        backlogPrinted = true;
        for (const [method, params] of early.splice(0)) handle(method, params);
      },
      (error: unknown) => {
        client.close();
        reject(error as Error);
      },
    );
  });
}
