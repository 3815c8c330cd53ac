// kojo completion: each shell loads its script; session names and IDs come
// live from the hidden `_sessions` verb, which never starts a daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxes, KOJO_BIN, type Sandbox } from '../../helpers/kojo.js';

const box = sandboxes();

/** A PATH on which `kojo` is this build, as the scripts call it by name. */
function withKojoOnPath(b: Sandbox): Record<string, string> {
  const bin = path.join(b.dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  if (!fs.existsSync(path.join(bin, 'kojo'))) fs.symlinkSync(KOJO_BIN, path.join(bin, 'kojo'));
  return { ...b.env, PATH: `${bin}:${b.env.PATH}` };
}

async function shellAvailable(shell: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${shell}`], { reject: false })).exitCode === 0;
}

for (const shell of ['bash', 'zsh', 'fish']) {
  test(`the ${shell} script passes ${shell} -n`, async (t) => {
    if (!(await shellAvailable(shell))) return t.skip(`${shell} is not installed`);
    const b = await box();
    const script = await b.run(['completion', shell]);
    assert.equal(script.exitCode, 0, script.stderr);
    const file = path.join(b.dir, `kojo.${shell}`);
    fs.writeFileSync(file, script.stdout + '\n');
    const checked = await execa(shell, ['-n', file], { reject: false });
    assert.equal(checked.exitCode, 0, checked.stderr);
    assert.equal(checked.stderr, '');
  });
}

test('_sessions prints nothing and starts no daemon when none runs', async () => {
  const b = await box();
  const listed = await b.run(['_sessions']);
  assert.deepEqual(listed, { exitCode: 0, stdout: '', stderr: '' });
  assert.equal(await b.daemonPid(), undefined);
  assert.equal(fs.existsSync(path.join(b.home, 'run/kojo.sock')), false);
});

test('the scripts complete verbs, and session names and IDs live', async () => {
  const b = await box();
  const id = (await b.run(['new', 'exec', '--name', 'builder', '--', 'sleep', '600'])).stdout.trim();
  assert.deepEqual((await b.run(['_sessions'])).stdout.split('\n'), ['builder', id]);
  const env = withKojoOnPath(b);

  const bashComplete = async (words: string[]): Promise<string[]> => {
    const line = `source <(kojo completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _kojo; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = await execa('bash', ['-c', line], { env, extendEnv: false, reject: false });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(await bashComplete(['kojo', 'attach', 'bu']), ['builder']);
  assert.deepEqual(await bashComplete(['kojo', 'wait', '']), ['builder', id]);
  assert.deepEqual(await bashComplete(['kojo', 'cap']), ['capture']);
  assert.deepEqual(await bashComplete(['kojo', 'new', 'co']), ['codex']);

  if (await shellAvailable('fish')) {
    const fish = await execa('fish', ['-c', 'kojo completion fish | source; complete -C "kojo logs "'], {
      env,
      extendEnv: false,
      reject: false,
    });
    assert.equal(fish.exitCode, 0, fish.stderr);
    assert.deepEqual(
      fish.stdout.split('\n').map((l) => l.split('\t')[0]),
      ['builder', id],
    );
  }
});
