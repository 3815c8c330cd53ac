// Attach over ssh to localhost: kojo --host against `ssh -t dtach -a` and
// `ssh -t tmux attach`, through a private sshd on 127.0.0.1 that this part
// starts and stops. Throughput (seq to the attached terminal) and keystroke
// echo, interleaved over rounds so that drift in the machine's load hits
// every path alike.
import fs from 'node:fs';
import path from 'node:path';
import { SSHD, startSshd } from '../test/helpers/sshdServer.js';
import { KOJO, baseEnv, kojoHome, mb, median, pad, percentile, scratch } from './common.js';
import { KEYS, measure } from './latency.js';
import { sshSystems } from './sshSystems.js';
import type { System } from './systems.js';
import type { FastRead } from './terminal.js';
import { runOnce, seqWorkload } from './throughput.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function echoTimes(system: System, keys: number): Promise<number[]> {
  const attached = await system.start('stty raw -echo; exec cat', {});
  try {
    await attached.term.settle(0, 200);
    return await measure(attached.term, keys);
  } finally {
    await attached.stop();
  }
}

export async function overSsh(): Promise<void> {
  console.log('\n## Attach over ssh to localhost');
  if (!fs.existsSync(SSHD)) return console.log(`skipped: ${SSHD} is missing (apt-get install openssh-server)`);
  const sshd = await startSshd(scratch);
  const box = kojoHome('ssh-box');
  const laptopHome = path.join(scratch, 'ssh-laptop');
  const laptop = {
    ...baseEnv(),
    KOJO_HOME: laptopHome,
    KOJO_SSH_OPTS: sshd.sshOpts,
    KOJO_REMOTE_COMMAND: `${process.execPath} ${KOJO}`,
  };
  try {
    await box.daemonPid();
    const { systems, pairs } = sshSystems(sshd, box, laptop);
    const workload = seqWorkload();
    const keysPerRound = Math.ceil(KEYS / ROUNDS);
    const reads = new Map<string, FastRead[]>();
    const echoes = new Map<string, number[]>();
    const failed = (what: string) => (error: Error) => void console.log(`  ${what}: ${error.message.split('\n')[0]}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const system of systems) {
        const result = await runOnce(system, workload).catch(failed(`${system.name}, ${workload.name}`));
        if (result) reads.set(system.name, [...(reads.get(system.name) ?? []), result]);
      }
      for (const system of systems) {
        const times = await echoTimes(system, keysPerRound).catch(failed(`${system.name}, echo`));
        if (times) echoes.set(system.name, [...(echoes.get(system.name) ?? []), ...times]);
      }
    }

    console.log(
      `\n### Throughput over ssh: ${workload.name} (${mb(workload.written)} MB written, ${mb(workload.total)} MB expected), ${ROUNDS} rounds interleaved`,
    );
    console.log(`${pad('path', 26)} ${pad('MB/s median (min-max)', 24)} ${pad('reached / expected', 26)} exact`);
    const rates = new Map<string, number>();
    for (const system of systems) {
      const results = reads.get(system.name) ?? [];
      if (!results.length) continue;
      const perRun = results.map((r) => (r.timedOut ? 0 : workload.written / 1e6 / r.seconds));
      rates.set(system.name, median(perRun));
      const reached = median(results.map((r) => r.afterStart));
      const exact = results.filter((r) => r.verified === workload.total && !r.timedOut).length;
      const timeouts = results.filter((r) => r.timedOut).length;
      console.log(
        `${pad(system.name, 26)} ${pad(`${median(perRun).toFixed(1)} (${Math.min(...perRun).toFixed(1)}-${Math.max(...perRun).toFixed(1)})`, 24)} ` +
          `${pad(`${mb(reached)} / ${mb(workload.total)} MB (${((100 * reached) / workload.total).toFixed(0)}%)`, 26)} ` +
          `${exact}/${results.length}${timeouts ? `, ${timeouts} timed out` : ''}`,
      );
    }

    console.log(`\n### Keystroke echo over ssh (${keysPerRound * ROUNDS} keys, one at a time, ${ROUNDS} rounds)`);
    for (const system of systems) {
      const times = echoes.get(system.name);
      if (!times?.length) continue;
      const us = (p: number): string => (percentile(times, p) * 1000).toFixed(0).padStart(6);
      console.log(`${pad(system.name, 26)} p50 ${us(50)} µs   p99 ${us(99)} µs`);
    }

    console.log('\n### Ratios over ssh (medians; throughput higher is better, echo lower is better)');
    for (const [a, b] of pairs) {
      const x = rates.get(a);
      const y = rates.get(b);
      if (x !== undefined && y !== undefined) console.log(`${pad(`throughput ${a} / ${b}`, 58)} ${(x / y).toFixed(2)}`);
      const ea = echoes.get(a);
      const eb = echoes.get(b);
      if (ea?.length && eb?.length)
        for (const p of [50, 99])
          console.log(`${pad(`echo p${p} ${a} / ${b}`, 58)} ${(percentile(ea, p) / percentile(eb, p)).toFixed(2)}`);
    }
  } finally {
    // Shared ssh connections outlive the command by design; end them, then sshd (by PID).
    try {
      sshd.closeMasters(laptopHome);
    } catch {
      // None left open.
    }
    await box.stop();
    await sshd.stop();
  }
}
