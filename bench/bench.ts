// npm run bench: kojo against the program on a bare PTY, dtach and tmux, in
// one run, interleaved. Prints figures, ratios and the targets beside them;
// nothing here is pass/fail. BENCH_ONLY=part,part picks parts;
// BENCH_ROUNDS sets the throughput rounds.
import fs from 'node:fs';
import os from 'node:os';
import { cleanupAll, has, kojoHome } from './common.js';
import { attachTime, startup } from './cli.js';
import { echoLatency } from './latency.js';
import { memory } from './memory.js';
import { overSsh } from './ssh.js';
import { readerCeiling, throughput } from './throughput.js';
import { top } from './top.js';

async function main(): Promise<void> {
  console.log(
    `kojo benchmark on ${os.cpus().length} cores, node ${process.version}; dtach ${has('dtach') ? 'yes' : 'missing'}, ` +
      `tmux ${has('tmux') ? 'yes' : 'missing'}; load average at start ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
  );
  const kojo = kojoHome('bench');
  const parts: Record<string, () => Promise<void>> = {
    startup: () => startup(kojo),
    attachTime: () => attachTime(kojo),
    readerCeiling,
    throughput: () => throughput(kojo),
    echoLatency: () => echoLatency(kojo),
    memory,
    ssh: overSsh,
    top,
  };
  const only = process.env.BENCH_ONLY?.split(',');
  try {
    for (const [name, part] of Object.entries(parts)) {
      if (only && !only.includes(name)) continue;
      await part().catch((error: Error) => console.log(`${name} failed: ${error.message.split('\n')[0]}`));
    }
    console.log(`\nload average at end ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
  } finally {
    await cleanupAll();
  }
  process.exit(0);
}

void main();
