// A private sshd on 127.0.0.1 for the remote tests and the benchmark: its own
// host key, config and authorized_keys under a temporary directory; client
// config through KOJO_SSH_OPTS=-F. Host-key checking stays on (known_hosts is
// pre-filled). No test-runner hooks here: the caller stops it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { alive, waitFor } from './wait.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  dir: string;
  port: number;
  /** `-F <config>`: for KOJO_SSH_OPTS. */
  sshOpts: string;
  configFile: string;
  /** The ssh config's aliases: `box` logs in; `badkey` offers a key sshd does not know; `nobody` has no listener. */
  hosts: { ok: string; badKey: string; refused: string };
  /** Ends any shared ssh connection kojo left open under this local state dir. */
  closeMasters(localHome: string): void;
  stop(): Promise<void>;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kojo-test', '-f', file]);
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

function freePortNear(base: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const tryPort = (port: number): void => {
      if (port > base + 200) return reject(new Error('no free port for sshd'));
      const server = net.createServer();
      server.once('error', () => tryPort(port + 1));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
    };
    tryPort(base);
  });
}

function banner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => (socket.destroy(), resolve(false)));
    socket.once('data', (chunk: Buffer) => (socket.destroy(), resolve(chunk.toString().startsWith('SSH-'))));
    socket.once('error', () => resolve(false));
  });
}

/** `parent`: where its directory goes (the benchmark keeps it in its scratch dir). */
export async function startSshd(parent = os.tmpdir()): Promise<TestSshd> {
  // sshd refuses to start without its privilege-separation directory.
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(parent, 'kojo-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const hostPub = keygen(hostKey).split(' ').slice(0, 2).join(' ');
  const clientKey = path.join(dir, 'client_ed25519');
  fs.writeFileSync(path.join(dir, 'authorized_keys'), keygen(clientKey) + '\n', { mode: 0o600 });
  const strangerKey = path.join(dir, 'stranger_ed25519');
  keygen(strangerKey);
  fs.writeFileSync(path.join(dir, 'known_hosts'), `kojo-test-box ${hostPub}\n`);

  const port = await freePortNear(22022 + (process.pid % 500));
  const refusedPort = await freePortNear(port + 1);
  const sshdConfig = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    sshdConfig,
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      // The keys live under /tmp (world-writable), which StrictModes rejects; test-only.
      'StrictModes no',
      'UsePAM no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const user = os.userInfo().username;
  const common = (key: string): string[] => [
    '  HostName 127.0.0.1',
    `  User ${user}`,
    `  IdentityFile ${key}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${path.join(dir, 'known_hosts')}`,
    '  GlobalKnownHostsFile /dev/null',
    '  HostKeyAlias kojo-test-box',
    '  StrictHostKeyChecking yes',
  ];
  const configFile = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    configFile,
    [
      'Host box',
      `  Port ${port}`,
      ...common(clientKey),
      'Host badkey',
      `  Port ${port}`,
      ...common(strangerKey),
      'Host nobody',
      `  Port ${refusedPort}`,
      ...common(clientKey),
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(
    SSHD,
    ['-D', '-f', sshdConfig, '-p', String(port), '-E', path.join(dir, 'sshd.log')],
    {
      stdio: 'ignore',
    },
  );
  const pid = child.pid!;
  await waitFor(
    () => banner(port),
    15_000,
    () => `sshd on port ${port} (${fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8')})`,
  );

  const stop = async (): Promise<void> => {
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10_000, 'sshd to exit');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    port,
    sshOpts: `-F ${configFile}`,
    configFile,
    hosts: { ok: 'box', badKey: 'badkey', refused: 'nobody' },
    closeMasters(localHome: string) {
      const runDir = path.join(localHome, 'run');
      const sockets = fs.existsSync(runDir) ? fs.readdirSync(runDir).filter((f) => f.startsWith('ssh-')) : [];
      for (const socket of sockets) {
        // A literal ControlPath names the master whatever its host was.
        execFileSync('ssh', ['-o', `ControlPath=${path.join(runDir, socket)}`, '-O', 'exit', 'kojo-test-box'], {
          stdio: 'ignore',
          timeout: 10_000,
        });
      }
    },
    stop,
  };
}
