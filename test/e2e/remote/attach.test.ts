// `kojo --host ssh://… attach` over a real ssh: a real PTY at this end, the
// session at the other; lost connections; byte-exact raw streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { KOJO_BIN, sandboxes, waitFor, WAIT_FOR_GO, type PtyClient, type Sandbox } from '../../helpers/kojo.js';
import { laptopAndBox, testSshd } from '../../helpers/sshd.js';

const sshd = await testSshd();
const make = sandboxes();
/** Each ssh connection pays for a login shell there (this machine's .bashrc is slow under load): wait long. */
const SSH_WAIT = 90_000;

async function attachedCount(b: Sandbox, id: string): Promise<number> {
  const list = JSON.parse((await b.run(['ls', '--json'], { timeout: SSH_WAIT })).stdout) as Array<{
    id: string;
    attached: number;
  }>;
  return list.find((s) => s.id === id)?.attached ?? -1;
}

/** `kojo attach id > out`, with `env` choosing the daemon (KOJO_HOST or not). */
function rawAttach(b: Sandbox, id: string, out: string, env: Record<string, string> = {}) {
  return execa(KOJO_BIN, ['attach', id], {
    env: { ...b.env, ...env },
    extendEnv: false,
    cwd: b.dir,
    stdin: 'ignore',
    stdout: { file: out },
    reject: false,
    timeout: 4 * SSH_WAIT,
  });
}

/** The two `stty -g` lines a `stty -g; …; stty -g` script printed. */
function sttyBeforeAfter(term: PtyClient): [string, string] {
  const settings = term.text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]+(:[0-9a-f]+){10,}/.test(l));
  assert.equal(settings.length, 2, term.text);
  return [settings[0]!, settings[1]!];
}

/** The ssh process a `kojo attach` (child of the PTY's shell) runs for its stream. */
function sshChildren(shellPid: number): number[] {
  const children = (pid: number): { pid: number; comm: string }[] =>
    execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [p, comm] = line.trim().split(/\s+/);
        return { pid: Number(p), comm: comm ?? '' };
      });
  let found: number[] = [];
  try {
    for (const kojo of children(shellPid))
      found = children(kojo.pid)
        .filter((c) => c.comm === 'ssh')
        .map((c) => c.pid);
  } catch {
    return [];
  }
  return found;
}

test('attach over ssh in a real terminal: replay, input, resize, Ctrl-\\ detaches and restores the terminal', async () => {
  const { laptop, box, host } = await laptopAndBox(sshd, make);
  const loop = 'echo first-line; while read -r line; do echo "got:$line size=$(stty size)"; done';
  const id = (
    await box.run(['new', 'exec', '--direct', '--', 'bash', '-c', loop], { timeout: SSH_WAIT })
  ).stdout.trim();
  await box.run(['ls'], { timeout: SSH_WAIT }); // first-line is in the ring before anyone attaches
  const term = laptop.shellPty(`stty -g; KOJO_HOST=${host} "$KOJO" attach ${id}; echo "status=$?"; stty -g`);
  await term.waitForText('first-line', SSH_WAIT);
  term.write('hello kojo\r');
  await term.waitForText('got:hello kojo size=24 80', SSH_WAIT);
  term.resize(100, 30);
  await waitFor(
    async () => {
      term.write('\r');
      await new Promise((resolve) => setTimeout(resolve, 50));
      return term.text.includes('size=30 100');
    },
    SSH_WAIT,
    'the new size over ssh',
  );
  term.write('\x1c');
  await term.waitForText(/status=0/, SSH_WAIT);
  await term.waitForExit(SSH_WAIT);
  const [before, after] = sttyBeforeAfter(term);
  assert.equal(before, after, 'terminal settings restored');
  assert.match(term.text, new RegExp(`\\[detached from ${id}\\]`));
  assert.equal(await attachedCount(box, id), 0);
});

test('one attacher here and one over ssh receive identical bytes', async () => {
  const { laptop, box, host } = await laptopAndBox(sshd, make);
  const id = (
    await box.run(['new', 'exec', '--', 'bash', '-c', `${WAIT_FOR_GO}; seq 1 200000`], { timeout: SSH_WAIT })
  ).stdout.trim();
  const here = rawAttach(box, id, path.join(box.dir, 'here.out'));
  const far = rawAttach(laptop, id, path.join(laptop.dir, 'far.out'), { KOJO_HOST: host });
  await waitFor(async () => (await attachedCount(box, id)) === 2, SSH_WAIT, 'two attachers');
  fs.writeFileSync(path.join(box.dir, 'go'), '');
  const [r1, r2] = await Promise.all([here, far]);
  assert.equal(r1.exitCode, 0, r1.stderr);
  assert.equal(r2.exitCode, 0, r2.stderr);
  const a = fs.readFileSync(path.join(box.dir, 'here.out'));
  const b = fs.readFileSync(path.join(laptop.dir, 'far.out'));
  const expected = Array.from({ length: 200000 }, (_, i) => `${i + 1}\r\n`).join('');
  assert.equal(b.toString(), expected);
  assert.ok(a.equals(b), 'identical bytes');
});

test('ssh killed during attach: the terminal is restored, exit 1 naming the host, the session runs on', async () => {
  const { laptop, box, host } = await laptopAndBox(sshd, make);
  const id = (
    await box.run(['new', 'exec', '--', 'bash', '-c', 'while read -r l; do echo "got:$l"; done'], { timeout: SSH_WAIT })
  ).stdout.trim();
  const term = laptop.shellPty(`stty -g; KOJO_HOST=${host} "$KOJO" attach ${id}; echo "status=$?"; stty -g`);
  await waitFor(async () => (await attachedCount(box, id)) === 1, SSH_WAIT, 'attach');
  term.write('ping\r');
  await term.waitForText('got:ping', SSH_WAIT);
  let ssh: number[] = [];
  await waitFor(() => (ssh = sshChildren(term.pid)).length === 1, 10_000, 'the attach stream’s ssh');
  process.kill(ssh[0]!, 'SIGKILL');
  await term.waitForText(/status=1/, SSH_WAIT);
  await term.waitForExit(SSH_WAIT);
  assert.match(term.text, /kojo: connection to box lost\r?\n/);
  const [before, after] = sttyBeforeAfter(term);
  assert.equal(before, after, 'terminal settings restored');
  const list = JSON.parse((await box.run(['ls', '--json'], { timeout: SSH_WAIT })).stdout) as {
    id: string;
    status: string;
  }[];
  assert.equal(list.find((s) => s.id === id)?.status, 'running');
  // And it can be attached again, over ssh, with what it printed.
  const again = laptop.attachPty(['--host', host, 'attach', id]);
  await again.waitForText('got:ping', SSH_WAIT);
  again.write('\x1c');
  assert.equal(await again.waitForExit(SSH_WAIT), 0);
});

test('a 5 MB binary stream arrives byte for byte through attach > file over ssh', async () => {
  const { laptop, box, host } = await laptopAndBox(sshd, make);
  const data = randomBytes(5 * 1024 * 1024);
  fs.writeFileSync(path.join(box.dir, 'data.bin'), data);
  const script = `stty raw -opost -echo; ${WAIT_FOR_GO}; cat data.bin; sleep 600`;
  const id = (
    await box.run(['new', 'exec', '--direct', '--', 'bash', '-c', script], { timeout: SSH_WAIT })
  ).stdout.trim();
  const out = path.join(laptop.dir, 'out.bin');
  const attacher = rawAttach(laptop, id, out, { KOJO_HOST: host });
  await waitFor(async () => (await attachedCount(box, id)) === 1, SSH_WAIT, 'attach over ssh');
  fs.writeFileSync(path.join(box.dir, 'go'), '');
  await waitFor(() => fs.statSync(out).size >= data.length, SSH_WAIT, 'all bytes');
  await box.run(['stop', id], { timeout: SSH_WAIT });
  const result = await attacher;
  assert.equal(result.exitCode, 143, result.stderr);
  assert.ok(fs.readFileSync(out).equals(data), 'byte-exact');
});
