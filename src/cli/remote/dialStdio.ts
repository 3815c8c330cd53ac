import type net from 'node:net';

/**
 * Pipes stdin to the daemon socket and the socket to stdout, both ways with
 * backpressure, until the daemon closes the connection or the far end goes
 * away. Bytes pass untouched: control lines and attach frames alike.
 */
export function dialStdio(socket: net.Socket): Promise<number> {
  const { stdin, stdout } = process;
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number): void => {
      if (done) return;
      done = true;
      stdin.unpipe(socket);
      stdin.destroy();
      // Everything the daemon said reaches ssh before this process ends.
      stdout.write('', () => resolve(status));
    };
    stdin.pipe(socket);
    socket.pipe(stdout, { end: false });
    // The client hung up (ssh closed the channel): hang up on the daemon too.
    stdin.on('end', () => socket.end());
    stdin.on('error', () => socket.destroy());
    stdout.on('error', () => {
      socket.destroy();
      finish(1);
    });
    socket.on('error', () => undefined);
    socket.on('close', (hadError) => finish(hadError ? 1 : 0));
  });
}
