// Attach over ssh to localhost against `ssh -t dtach -a` and `ssh -t tmux
// attach`. Runs only when KOJO_BENCH_SSH names an sshd we can log in to
// without a password (ssh://user@127.0.0.1:PORT; options in KOJO_SSH_OPTS)
// and `kojo attach` knows --host; otherwise it says why it skipped.
import { execa } from 'execa';
import { KOJO } from './common.js';

export async function overSsh(): Promise<void> {
  console.log('\n## Attach over ssh to localhost');
  const target = process.env.KOJO_BENCH_SSH;
  const help = await execa(KOJO, ['attach', '--help'], { reject: false });
  if (!/--host/.test(help.stdout)) return console.log('skipped: this kojo has no --host');
  if (!target)
    return console.log('skipped: set KOJO_BENCH_SSH=ssh://user@127.0.0.1:PORT (and KOJO_SSH_OPTS) to run it');
  console.log(`skipped: --host is new; this section still needs writing against it (target ${target})`);
}
