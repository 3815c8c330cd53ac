// `kojo wait` and `kojo send --wait`: resolve when the session reaches one of
// the wanted agent states, exits, goes quiet (sessions without a state), or
// the timeout passes. Driven by the session's own events; nothing polls.
import type { SessionInfo } from '../../shared/protocol/session.js';
import type { WaitParams, WaitResult } from '../../shared/protocol/terminalIo.js';
import type { Session } from './session.js';

export function waitFor(session: Session, params: WaitParams, cancelled: Promise<void>): Promise<WaitResult> {
  const until = params.until ?? ['exited'];
  const { after } = params;
  const sinceStart = session.ring.total;
  return new Promise<WaitResult>((resolve) => {
    let quietTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let lastOutput = 0;
    let done = false;

    const finish = (reason: WaitResult['reason']): void => {
      if (done) return;
      done = true;
      cleanup();
      const result: WaitResult = { id: session.id, reason, info: session.info() };
      if (params.outputSince !== undefined) {
        const fresh = Math.max(0, session.ring.total - params.outputSince);
        result.output = session.ring.tail(Math.min(fresh, session.ring.size)).toString('base64');
      }
      resolve(result);
    };

    const reached = (info: SessionInfo): boolean => {
      // An exit is answered by the exit itself, once its code is known.
      if (info.state === undefined || info.state === 'exited' || !until.includes(info.state)) return false;
      // The state `send` saw before the program had its input is not an answer.
      return !(after && info.state === after.state && info.stateSince === after.stateSince);
    };

    const check = (): void => {
      if (!session.running) return finish('exited');
      if (reached(session.info())) finish('state');
    };

    // Quiet: only for sessions that report no state, and only after output since the wait began.
    const armQuiet = (): void => {
      const quietMs = params.quietMs;
      if (quietMs === undefined || session.info().state !== undefined) return;
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => {
        const idle = performance.now() - lastOutput;
        if (idle >= quietMs) finish('quiet');
        else armQuiet();
      }, quietMs);
    };
    const onOutput = (): void => {
      lastOutput = performance.now();
      if (quietTimer === undefined) armQuiet();
    };

    const onExit = (): void => finish('exited');
    const cleanup = (): void => {
      clearTimeout(quietTimer);
      clearTimeout(timeoutTimer);
      session.off('change', check);
      session.off('exit', onExit);
      session.off('output', onOutput);
    };
    session.on('change', check);
    session.on('exit', onExit);
    session.on('output', onOutput);
    if (params.timeoutMs !== undefined) timeoutTimer = setTimeout(() => finish('timeout'), params.timeoutMs);
    void cancelled.then(() => {
      done = true;
      cleanup();
    });
    // Output already printed since `send` counts as output seen.
    if (params.outputSince !== undefined && sinceStart > params.outputSince) onOutput();
    check();
  });
}
