import type net from 'node:net';

/** Control connections open at once; past it a new one is refused, so fds cannot run out. */
export const MAX_CONTROL_CONNECTIONS = 256;
/** A control connection that sends nothing and waits for nothing this long is closed. */
export const CONTROL_IDLE_TIMEOUT_MS = 60_000;

/**
 * Caps the number of control connections and closes idle ones. Attach and
 * watch connections are released from both: idling is what they are for.
 */
export class ConnectionLimits {
  private readonly counted = new Set<net.Socket>();

  constructor(
    private readonly max = MAX_CONTROL_CONNECTIONS,
    // A diagnostic knob for tests, which cannot wait a minute.
    private readonly idleMs = Number(process.env.KOJO_CONTROL_IDLE_MS) || CONTROL_IDLE_TIMEOUT_MS,
  ) {}

  /** False (and the socket told why, then closed) when too many are open. */
  admit(socket: net.Socket, busy: () => boolean, refuse: (message: string) => void): boolean {
    if (this.counted.size >= this.max) {
      refuse(`too many connections to the kojo daemon (at most ${this.max})`);
      socket.end();
      socket.destroySoon();
      return false;
    }
    this.counted.add(socket);
    socket.once('close', () => this.counted.delete(socket));
    socket.setTimeout(this.idleMs);
    // Activity in either direction re-arms the timer; a request still running is not idleness.
    socket.on('timeout', () => {
      if (this.counted.has(socket) && !busy()) socket.destroy();
    });
    return true;
  }

  /** The connection became an attach stream or a watch: no cap, no timeout. */
  release(socket: net.Socket): void {
    this.counted.delete(socket);
    socket.setTimeout(0);
  }
}
