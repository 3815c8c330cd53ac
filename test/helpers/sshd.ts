// The private sshd (sshdServer.ts) as the remote tests use it: one per test
// file, stopped when its tests end, and a laptop/box pair of state dirs.
import { after } from 'node:test';
import { KOJO_BIN, type Sandbox } from './kojo.js';
import { startSshd, type TestSshd } from './sshdServer.js';

export { SSHD, startSshd, type TestSshd } from './sshdServer.js';

/** One sshd for a test file, stopped (by PID) when its tests end. */
export async function testSshd(): Promise<TestSshd> {
  const sshd = await startSshd();
  after(() => sshd.stop());
  return sshd;
}

/**
 * A laptop (the local state dir, where `kojo --host` runs) and a box (the
 * remote daemon's state dir, reached through sshd), both on this machine.
 * `host` is the URL that reaches the box.
 */
export async function laptopAndBox(
  sshd: TestSshd,
  make: () => Promise<Sandbox>,
): Promise<{ laptop: Sandbox; box: Sandbox; host: string }> {
  const box = await make();
  const laptop = await make();
  Object.assign(laptop.env, { KOJO_SSH_OPTS: sshd.sshOpts, KOJO_REMOTE_COMMAND: KOJO_BIN });
  const cleanup = laptop.cleanup;
  laptop.cleanup = async () => {
    // Shared ssh connections outlive the command by design; end them with the test.
    sshd.closeMasters(laptop.home);
    await cleanup();
  };
  return { laptop, box, host: `ssh://${sshd.hosts.ok}${box.home}` };
}
