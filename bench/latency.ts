// Keystroke echo: one key at a time through each system to `cat` in raw
// mode and back to the benchmark's terminal.
import { pad, percentile, type Kojo } from './common.js';
import { allSystems } from './systems.js';
import type { Terminal } from './terminal.js';

// With 1000 keys, p99 is the 10th slowest rather than the 2nd.
export const KEYS = Number(process.env.BENCH_KEYS ?? 1000);
const TARGETS: Record<string, string> = { 'kojo --direct': 'p99 <= 1 ms', 'kojo (tmux-backed)': 'p99 <= 1.5 ms' };

export async function measure(term: Terminal, keys = KEYS): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < keys; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    term.clearTail();
    const start = performance.now();
    term.write(key);
    await term.until(key, 5000);
    times.push(performance.now() - start);
  }
  return times;
}

export async function echoLatency(kojo: Kojo): Promise<void> {
  console.log(`\n## Keystroke echo latency (${KEYS} keys, one at a time)`);
  for (const system of allSystems(kojo)) {
    const attached = await system.start('stty raw -echo; exec cat', {});
    try {
      await attached.term.settle(0, 200);
      const times = await measure(attached.term);
      const p99 = percentile(times, 99);
      const target = TARGETS[system.name];
      const limit = target ? Number(/<= ([\d.]+)/.exec(target)![1]) : undefined;
      const verdict = limit === undefined ? '' : `   (target ${target})${p99 <= limit ? '  met' : '  NOT met'}`;
      console.log(
        `${pad(system.name, 24)} p50 ${(percentile(times, 50) * 1000).toFixed(0).padStart(5)} µs   p99 ${(p99 * 1000).toFixed(0).padStart(5)} µs${verdict}`,
      );
    } catch (error) {
      console.log(`${pad(system.name, 24)} ${(error as Error).message}`);
    } finally {
      await attached.stop();
    }
  }
}
