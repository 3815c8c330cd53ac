// npm run bench:soak: does the daemon's memory stay flat under use? 30
// sessions, half busy, attach/detach cycles, `ls` and yolo toggles, for
// SOAK_MINUTES (default 10). Samples RSS every SOAK_SAMPLE_S (10) seconds,
// never forces a GC, and prints the least-squares slope after warm-up.
import fs from 'node:fs';
import os from 'node:os';
import { KOJO, cleanupAll, kojoHome, scratchPath, sleep } from './common.js';
import { heapCensus, printGrowth, type HeapCensus } from './heapDiff.js';
import { rssMiB } from './procs.js';
import { Terminal } from './terminal.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.min(2, MINUTES / 5));
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 30);
// SOAK_DIAG=1: heap snapshots at the end of warm-up and at the end, compared.
const DIAG = Boolean(process.env.SOAK_DIAG);
const TARGET = 0.5; // MB/min after warm-up (issue 9, item 9)
// Steady printing: ~1000 short lines a second per busy session.
const BUSY = 'while :; do seq 1 200; sleep 0.2; done';
const IDLE = 'exec cat';

interface Sample {
  minute: number;
  daemon: number;
  tmux: number;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

async function attachCycle(env: Record<string, string>, id: string): Promise<void> {
  const term = new Terminal(process.execPath, [KOJO, 'attach', id], env);
  const exited = new Promise<void>((resolve) => term.pty.onExit(() => resolve()));
  try {
    await term.until('\x1b[2J', 10_000);
    await sleep(300);
    term.write('\x1c'); // Ctrl-\ detaches
    await Promise.race([exited, sleep(5000)]);
  } finally {
    term.kill();
  }
}

async function main(): Promise<void> {
  console.log(
    `kojo soak: ${SESSIONS} sessions (half busy; every third --direct), ${MINUTES} min, warm-up ${WARMUP_MINUTES} min, ` +
      `sample every ${SAMPLE_S} s, no forced GC${process.env.SOAK_DAEMON_ENV ? `, daemon env ${process.env.SOAK_DAEMON_ENV}` : ''}; ${os.cpus().length} cores, load ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
  );
  const kojo = kojoHome('soak');
  const diagDir = scratchPath('diag');
  fs.mkdirSync(diagDir);
  // SOAK_DAEMON_ENV='NAME=value ...' starts the daemon with more environment (e.g. MALLOC_ARENA_MAX=2).
  const daemonEnv: Record<string, string> = Object.fromEntries(
    (process.env.SOAK_DAEMON_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  if (DIAG) daemonEnv.NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${diagDir}`;
  await kojo.run(['daemon', 'start'], daemonEnv);
  const daemon = await kojo.daemonPid();
  let warmCensus: HeapCensus | undefined;
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const backend = i % 3 === 0 ? ['--direct'] : [];
    ids.push(
      await kojo.run(['new', ...backend, '--name', `soak${i}`, 'exec', '--', '/bin/sh', '-c', i % 2 ? IDLE : BUSY]),
    );
  }
  const tmuxServer = await kojo.tmuxServerPid();
  const samples: Sample[] = [];
  const counts = { attach: 0, ls: 0, yolo: 0, errors: 0 };
  const started = performance.now();
  const minute = (): number => (performance.now() - started) / 60_000;
  const sampler = setInterval(() => {
    const sample = { minute: minute(), daemon: rssMiB(daemon), tmux: tmuxServer ? rssMiB(tmuxServer) : 0 };
    samples.push(sample);
    console.log(
      `${sample.minute.toFixed(1).padStart(5)} min  daemon RSS ${sample.daemon.toFixed(1)} MiB  tmux server RSS ${sample.tmux.toFixed(1)} MiB  ` +
        `(attach ${counts.attach}, ls ${counts.ls}, yolo ${counts.yolo}, errors ${counts.errors})`,
    );
  }, SAMPLE_S * 1000);
  const yoloOn = new Set<string>();
  for (let i = 0; minute() < MINUTES; i++) {
    const id = ids[i % ids.length]!;
    if (DIAG && !warmCensus && minute() >= WARMUP_MINUTES) {
      warmCensus = await heapCensus(daemon, diagDir);
      console.log(`  warm-up heap snapshot taken; daemon RSS after its GC ${rssMiB(daemon).toFixed(1)} MiB`);
    }
    try {
      await attachCycle(kojo.env, id);
      counts.attach++;
      if (i % 2 === 0) {
        await kojo.run(['ls']);
        counts.ls++;
      }
      if (i % 3 === 0) {
        const on = !yoloOn.has(id);
        await kojo.run(['yolo', id, on ? 'on' : 'off']);
        if (on) yoloOn.add(id);
        else yoloOn.delete(id);
        counts.yolo++;
      }
    } catch (error) {
      counts.errors++;
      if (counts.errors <= 5) console.log(`  error: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  clearInterval(sampler);
  const after = samples.filter((s) => s.minute >= WARMUP_MINUTES);
  console.log(
    `\n## Soak: ${counts.attach} attach cycles, ${counts.ls} ls, ${counts.yolo} yolo toggles, ${counts.errors} errors`,
  );
  if (after.length < 3) console.log('too few samples after warm-up for a slope');
  else
    for (const [name, pick] of [
      ['daemon RSS', (s: Sample) => s.daemon],
      ['tmux server RSS', (s: Sample) => s.tmux],
    ] as const) {
      const perMinute = slope(after.map((s) => [s.minute, pick(s) * 1.048576])); // MiB -> MB
      console.log(
        `${name.padEnd(16)} ${pick(after[0]!).toFixed(1)} -> ${pick(after.at(-1)!).toFixed(1)} MiB after warm-up, slope ${perMinute.toFixed(2)} MB/min ` +
          `(target < ${TARGET})${perMinute < TARGET ? '  met' : '  NOT met'}`,
      );
    }
  if (warmCensus) {
    const endCensus = await heapCensus(daemon, diagDir);
    console.log(`\nend heap snapshot taken; daemon RSS after its GC ${rssMiB(daemon).toFixed(1)} MiB`);
    printGrowth(warmCensus, endCensus);
  }
  await cleanupAll();
  process.exit(0);
}

void main();
