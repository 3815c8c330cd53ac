import fs from 'node:fs';
import net from 'node:net';

/**
 * Listen on the control socket, or learn that another daemon already does.
 * Binding is the lock: only a stale socket (nobody answers) is removed, and
 * only by the holder of a short-lived takeover lock, so two daemons started
 * at once can never both end up listening.
 */
export async function listenExclusive(socketPath: string, takeoverLock: string): Promise<net.Server | undefined> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const server = await tryListen(socketPath);
    if (server) return server;
    if (await answers(socketPath)) return undefined;
    if (!takeLock(takeoverLock)) {
      await delay(25);
      continue;
    }
    try {
      if (await answers(socketPath)) return undefined;
      fs.rmSync(socketPath, { force: true });
      const taken = await tryListen(socketPath);
      if (taken) return taken;
    } finally {
      fs.rmSync(takeoverLock, { force: true });
    }
  }
  throw new Error(`cannot listen on ${socketPath}`);
}

function tryListen(socketPath: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: true });
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    });
    server.listen(socketPath, () => resolve(server));
  });
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function takeLock(lockPath: string): boolean {
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch {
    // A holder that died in the few lines above leaves its lock: old ones are stale.
    try {
      if (Date.now() - fs.statSync(lockPath).mtimeMs > 10_000) fs.rmSync(lockPath, { force: true });
    } catch {
      // Gone meanwhile.
    }
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
