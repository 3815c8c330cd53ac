// Throughput: each system carries two workloads to the benchmark's terminal,
// round-robin over the systems, and the terminal checks what arrived.
import fs from 'node:fs';
import { mb, median, pad, scratchPath, type Kojo } from './common.js';
import { allSystems, bare, type System } from './systems.js';
import type { FastRead } from './terminal.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LINES = Number(process.env.BENCH_LINES ?? 2_000_000);
const BULK_MIB = Number(process.env.BENCH_BULK_MIB ?? 64);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 60) * 1000;
const CEILING_MIB = Number(process.env.BENCH_CEILING_MIB ?? 128);
const START = 'BENCH-START\r\n';
const END = 'BENCH-END-MARKER';

export interface Workload {
  name: string;
  /** Shell text that writes the content to the terminal. */
  content: string;
  /** The bytes the program writes. */
  written: number;
  /** What should reach the terminal (after the PTY's \n -> \r\n): `pattern` repeated to `total` bytes. */
  pattern: Buffer;
  total: number;
}

export function seqWorkload(): Workload {
  const lines: string[] = [];
  for (let i = 1; i <= LINES; i++) lines.push(`${i}\r\n`);
  const pattern = Buffer.from(lines.join(''), 'latin1');
  return {
    name: `seq 1 ${LINES}`,
    content: `seq 1 ${LINES}`,
    written: pattern.length - LINES,
    pattern,
    total: pattern.length,
  };
}

/** BULK_MIB of 64 KiB writes: 512 lines of 127 characters each. */
function bulkWorkload(blocks = BULK_MIB * 16, label = `${BULK_MIB} MiB in 64 KiB writes`): Workload {
  const line = (i: number): string =>
    `${String(i).padStart(6, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4)}`.slice(0, 127);
  const lines = Array.from({ length: 512 }, (_, i) => line(i));
  const block = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
  const file = scratchPath('bulk');
  fs.writeFileSync(file, Buffer.concat(Array.from({ length: blocks }, () => block)));
  const pattern = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  return {
    name: label,
    content: `dd if=${file} bs=65536 status=none`,
    written: block.length * blocks,
    pattern,
    total: pattern.length * blocks,
  };
}

export async function runOnce(system: System, workload: Workload): Promise<FastRead> {
  const go = scratchPath('go');
  const producer = [
    'while [ ! -e "$GO" ]; do sleep 0.01; done',
    "printf 'BENCH-%s\\n' START",
    workload.content,
    "printf 'BENCH-%s\\n' END-MARKER",
    'exec sleep 600',
  ].join('; ');
  const attached = await system.start(producer, { GO: go });
  try {
    return await attached.term.fastRead(
      { pattern: workload.pattern, total: workload.total, start: START, end: END },
      () => fs.writeFileSync(go, ''),
      TIMEOUT_MS,
    );
  } finally {
    await attached.stop();
  }
}

/** The reader alone: a program writing to its terminal at full speed. */
export async function readerCeiling(): Promise<void> {
  const workload = bulkWorkload(CEILING_MIB * 16, `${CEILING_MIB} MiB`);
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runOnce(bare, workload);
    rates.push(workload.written / 1e6 / r.seconds);
  }
  fs.rmSync(workload.content.split(/if=| /)[2]!, { force: true });
  console.log(
    `\n## The benchmark terminal alone: dd writing ${CEILING_MIB} MiB in 64 KiB writes to its PTY\n` +
      `reader ceiling ${Math.max(...rates).toFixed(0)} MB/s (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})`,
  );
}

export async function throughput(kojo: Kojo): Promise<void> {
  const systems = allSystems(kojo);
  const workloads = [seqWorkload(), bulkWorkload()];
  const runs = new Map<string, FastRead[]>();
  for (let round = 0; round < ROUNDS; round++)
    for (const workload of workloads)
      for (const system of systems) {
        const key = `${workload.name}|${system.name}`;
        const result = await runOnce(system, workload).catch((error: Error) => {
          console.log(`  ${system.name}, ${workload.name}: ${error.message}`);
          return undefined;
        });
        if (result) runs.set(key, [...(runs.get(key) ?? []), result]);
      }
  const rates = new Map<string, number>();
  for (const workload of workloads) {
    console.log(
      `\n## Throughput: ${workload.name} (${mb(workload.written)} MB written, ${mb(workload.total)} MB expected at the terminal), ${ROUNDS} rounds interleaved`,
    );
    console.log(`${pad('system', 24)} ${pad('MB/s median (min-max)', 24)} ${pad('reached / expected', 26)} exact`);
    for (const system of systems) {
      const results = runs.get(`${workload.name}|${system.name}`) ?? [];
      if (!results.length) continue;
      const perRun = results.map((r) => (r.timedOut ? 0 : workload.written / 1e6 / r.seconds));
      const rate = median(perRun);
      rates.set(`${workload.name}|${system.name}`, rate);
      const reached = median(results.map((r) => r.afterStart));
      const exact = results.filter((r) => r.verified === workload.total && !r.timedOut).length;
      const timeouts = results.filter((r) => r.timedOut).length;
      console.log(
        `${pad(system.name, 24)} ${pad(`${rate.toFixed(1)} (${Math.min(...perRun).toFixed(1)}-${Math.max(...perRun).toFixed(1)})`, 24)} ` +
          `${pad(`${mb(reached)} / ${mb(workload.total)} MB (${((100 * reached) / workload.total).toFixed(0)}%)`, 26)} ` +
          `${exact}/${results.length}${timeouts ? `, ${timeouts} timed out` : ''}`,
      );
    }
  }
  console.log('\n## Ratios (medians)');
  const ratio = (workload: Workload, a: string, b: string, target: string): void => {
    const x = rates.get(`${workload.name}|${a}`);
    const y = rates.get(`${workload.name}|${b}`);
    if (x === undefined || y === undefined) return;
    const verdict = target === '-' ? '' : x / y >= 0.9 ? '  met' : '  NOT met';
    console.log(`${pad(`${workload.name}: ${a} / ${b}`, 58)} ${(x / y).toFixed(2)}   (target ${target})${verdict}`);
  };
  for (const workload of workloads) ratio(workload, 'kojo --direct', 'dtach', '>= 0.9');
  ratio(workloads[0]!, 'kojo (tmux-backed)', 'tmux', '>= 0.9');
  ratio(workloads[1]!, 'kojo (tmux-backed)', 'tmux', '-');
}
