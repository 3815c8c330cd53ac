// CLI start-up and time to attach: the latency a user feels before any output.
import { execa } from 'execa';
import { KOJO, median, type Kojo } from './common.js';
import { Terminal } from './terminal.js';

const ROUNDS = 5;

export async function startup(kojo: Kojo): Promise<void> {
  await kojo.run(['ls']);
  const time = async (file: string, args: string[]): Promise<number> => {
    const start = performance.now();
    await execa(file, args, { env: kojo.env, extendEnv: false });
    return performance.now() - start;
  };
  const ls: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 15; i++) {
    ls.push(await time(process.execPath, [KOJO, 'ls', '-q']));
    bare.push(await time(process.execPath, ['-e', '0']));
  }
  console.log('\n## CLI start-up, median of 15');
  console.log(
    `kojo ls ${median(ls).toFixed(1)} ms, node -e 0 ${median(bare).toFixed(1)} ms, ratio ${(median(ls) / median(bare)).toFixed(2)} (target <= 1.5)`,
  );
}

export async function attachTime(kojo: Kojo): Promise<void> {
  // 1 MB of scrollback, then a last line to look for.
  const script = 'seq 1 160000 | head -c 1048576; echo; echo ATTACH-""END; sleep 100000';
  const id = await kojo.run(['new', '--direct', 'exec', '--', '/bin/sh', '-c', script]);
  const first: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const term = new Terminal(process.execPath, [KOJO, 'attach', id], kojo.env);
    let firstAt = 0;
    term.pty.onData(() => (firstAt ||= performance.now()));
    await term.until('ATTACH-END');
    first.push(firstAt - start);
    full.push(performance.now() - start);
    term.kill();
  }
  const bare: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await execa(process.execPath, ['-e', '0']);
    bare.push(performance.now() - start);
  }
  console.log(`\n## Time to attach, 1 MB of scrollback, median of ${ROUNDS}`);
  console.log(
    `first byte ${median(first).toFixed(0)} ms, full screen ${median(full).toFixed(0)} ms (node start-up alone ${median(bare).toFixed(0)} ms; target <= 100 ms)`,
  );
  await kojo.run(['rm', '-f', id]);
}
