// npm run bench: kojo against the program in a PTY, dtach and tmux, in one
// run, interleaved, median of several rounds. Prints figures and ratios;
// nothing here is pass/fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { spawn as spawnPty, type IPty } from 'node-pty';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KOJO = path.join(ROOT, 'bin/kojo');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LINES = Number(process.env.BENCH_LINES ?? 5_000_000); // `seq 1 5000000`: 38.9 MB
// Keystrokes per echo run: with 1000, p99 is the 10th slowest rather than the 2nd.
const KEYS = Number(process.env.BENCH_KEYS ?? 1000);
const END = 'BENCH-END-MARKER';
const GO = 'while [ ! -e "$GO" ]; do sleep 0.01; done';
const PRODUCER = `${GO}; seq 1 ${LINES}; echo ${END}; sleep 600`;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-bench-'));
const cleanups: Array<() => void> = [];
const has = (tool: string): boolean => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode === 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A terminal the benchmark reads as fast as it can, watching for a marker. */
class Terminal {
  readonly pty: IPty;
  bytes = 0;
  private tail = '';
  private waiters: Array<{ text: string; resolve: () => void }> = [];
  firstByteAt: number | undefined;

  constructor(file: string, args: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }) {
    this.pty = spawnPty(file, args, { ...size, cwd: scratch, env, encoding: null });
    (this.pty.onData as unknown as (l: (d: Buffer) => void) => void)((data) => {
      this.firstByteAt ??= performance.now();
      this.bytes += data.length;
      this.tail = (this.tail + data.toString('latin1')).slice(-4096);
      for (const w of [...this.waiters]) {
        if (this.tail.includes(w.text)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }

  until(text: string, timeoutMs = 120_000): Promise<void> {
    if (process.env.BENCH_DEBUG)
      console.log('until', JSON.stringify(text), this.bytes, JSON.stringify(this.tail.slice(-200)));
    if (this.tail.includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}`)), timeoutMs);
      this.waiters.push({
        text,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  clearTail(): void {
    this.tail = '';
  }

  kill(): void {
    try {
      process.kill(this.pty.pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}

interface Kojo {
  env: Record<string, string>;
  run(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

function kojoHome(name: string, extraEnv: Record<string, string> = {}): Kojo {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    KOJO_HOME: path.join(scratch, name),
    ...extraEnv,
  };
  const kojo: Kojo = {
    env,
    run: async (args) => (await execa(KOJO, args, { env, extendEnv: false })).stdout.trim(),
    stop: async () => {
      await execa(KOJO, ['daemon', 'stop'], { env, extendEnv: false, reject: false });
      await execa('tmux', ['-S', path.join(env.KOJO_HOME!, 'run/tmux.sock'), 'kill-server'], { reject: false });
    },
  };
  cleanups.push(() => void kojo.stop());
  return kojo;
}

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
});

/** One throughput run: seconds from "go" until the attached terminal shows the end marker. */
type Runner = () => Promise<number>;

async function timed(term: Terminal, goFile: string): Promise<number> {
  const start = performance.now();
  fs.writeFileSync(goFile, '');
  await term.until(END);
  return (performance.now() - start) / 1000;
}

let counter = 0;
const goFile = (): string => path.join(scratch, `go-${counter++}`);

function directPty(): Runner {
  return async () => {
    const go = goFile();
    const term = new Terminal('/bin/sh', ['-c', PRODUCER], { ...baseEnv(), GO: go });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = await timed(term, go);
    term.kill();
    return seconds;
  };
}

function dtach(): Runner {
  return async () => {
    const go = goFile();
    const socket = path.join(scratch, `dtach-${counter}.sock`);
    await execa('dtach', ['-n', socket, '-Ez', '/bin/sh', '-c', PRODUCER], { env: { ...baseEnv(), GO: go } });
    const term = new Terminal('dtach', ['-a', socket, '-Ez'], baseEnv());
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seconds = await timed(term, go);
    term.kill();
    execaSync('pkill', ['-f', socket], { reject: false });
    return seconds;
  };
}

function tmux(): Runner {
  const socket = path.join(scratch, 'tmux-plain.sock');
  cleanups.push(() => void execaSync('tmux', ['-S', socket, 'kill-server'], { reject: false }));
  return async () => {
    const go = goFile();
    const name = `b${counter}`;
    await execa('tmux', [
      '-S',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      '80',
      '-y',
      '24',
      '-e',
      `GO=${go}`,
      '/bin/sh',
      '-c',
      PRODUCER,
    ]);
    const term = new Terminal('tmux', ['-S', socket, 'attach', '-t', name], baseEnv());
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seconds = await timed(term, go);
    term.kill();
    await execa('tmux', ['-S', socket, 'kill-session', '-t', name], { reject: false });
    return seconds;
  };
}

function kojoRunner(kojo: Kojo, newArgs: string[]): Runner {
  return async () => {
    const go = goFile();
    const id = await execa(KOJO, ['new', ...newArgs, 'exec', '--', '/bin/sh', '-c', PRODUCER], {
      env: { ...kojo.env, GO: go },
      extendEnv: false,
    }).then((r) => r.stdout.trim());
    const term = new Terminal(process.execPath, [KOJO, 'attach', id], kojo.env);
    // Attached once the replay (a cleared screen) has arrived.
    await term.until('\x1b[2J', 10_000).catch(() => undefined);
    const seconds = await timed(term, go);
    term.kill();
    await kojo.run(['rm', '-f', id]);
    return seconds;
  };
}

async function throughput(): Promise<void> {
  let bytes = 0;
  for (let digits = 1, from = 1; from <= LINES; digits++, from *= 10)
    bytes += (Math.min(LINES, from * 10 - 1) - from + 1) * (digits + 1);
  const MB = bytes / 1e6;
  const full = kojoHome('full');
  const noEmulator = kojoHome('no-emulator', { KOJO_DISABLE: 'emulator' });
  const noDetectors = kojoHome('no-detectors', { KOJO_DISABLE: 'detectors' });
  const runners: Record<string, Runner> = {
    'pty direct': directPty(),
    'kojo --direct': kojoRunner(full, ['--direct', '--yolo']),
    'kojo --direct, emulator off': kojoRunner(noEmulator, ['--direct', '--yolo']),
    'kojo --direct, detectors off': kojoRunner(noDetectors, ['--direct']),
  };
  if (has('dtach')) runners.dtach = dtach();
  if (has('tmux')) {
    runners['kojo (tmux-backed)'] = kojoRunner(full, ['--yolo']);
    runners.tmux = tmux();
  }
  const results: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(runners)) (results[name] ??= []).push(await run());
  }
  console.log(`\n## Throughput: seq 1 ${LINES} (${MB.toFixed(1)} MB) to an attached terminal, median of ${ROUNDS}`);
  const rate: Record<string, number> = {};
  for (const [name, times] of Object.entries(results)) {
    rate[name] = MB / median(times);
    console.log(
      `${name.padEnd(32)} ${rate[name]!.toFixed(1).padStart(7)} MB/s   (${times.map((t) => t.toFixed(2)).join(' ')} s)`,
    );
  }
  const ratio = (a: string, b: string, target: string): void => {
    if (rate[a] && rate[b])
      console.log(`${`${a} / ${b}`.padEnd(58)} ${(rate[a] / rate[b]).toFixed(2)}   (target ${target})`);
  };
  console.log('');
  ratio('kojo --direct', 'dtach', '>= 0.8');
  ratio('kojo --direct', 'pty direct', '-');
  ratio('kojo --direct', 'kojo --direct, emulator off', '>= 0.95');
  ratio('kojo --direct', 'kojo --direct, detectors off', '>= 0.95');
  ratio('kojo (tmux-backed)', 'tmux', '>= 1.0');
}

async function echoLatency(): Promise<void> {
  const samples = KEYS;
  const measure = async (term: Terminal): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      term.clearTail();
      const start = performance.now();
      term.pty.write(ch);
      await term.until(ch, 5000);
      times.push(performance.now() - start);
    }
    return times;
  };
  const echo = 'stty raw -echo; exec cat';
  const results: Record<string, number[]> = {};
  const full = kojoHome('full');
  for (const [name, args] of [
    ['kojo --direct', ['--direct']],
    ['kojo (tmux-backed)', []],
  ] as const) {
    if (name.includes('tmux') && !has('tmux')) continue;
    const id = await full.run(['new', ...args, 'exec', '--', '/bin/sh', '-c', echo]);
    const term = new Terminal(process.execPath, [KOJO, 'attach', id], full.env);
    await term.until('\x1b[2J', 10_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    results[name] = await measure(term);
    term.kill();
    await full.run(['rm', '-f', id]);
  }
  const direct = new Terminal('/bin/sh', ['-c', echo], baseEnv());
  await new Promise((resolve) => setTimeout(resolve, 200));
  results['pty direct'] = await measure(direct);
  direct.kill();
  if (has('dtach')) {
    const socket = path.join(scratch, 'dtach-echo.sock');
    await execa('dtach', ['-n', socket, '-Ez', '/bin/sh', '-c', echo]);
    const term = new Terminal('dtach', ['-a', socket, '-Ez'], baseEnv());
    await new Promise((resolve) => setTimeout(resolve, 300));
    results.dtach = await measure(term);
    term.kill();
    execaSync('pkill', ['-f', socket], { reject: false });
  }
  if (has('tmux')) {
    const socket = path.join(scratch, 'tmux-echo.sock');
    cleanups.push(() => void execaSync('tmux', ['-S', socket, 'kill-server'], { reject: false }));
    await execa('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'e', '/bin/sh', '-c', echo]);
    const term = new Terminal('tmux', ['-S', socket, 'attach', '-t', 'e'], baseEnv());
    await new Promise((resolve) => setTimeout(resolve, 300));
    results.tmux = await measure(term);
    term.kill();
  }
  console.log(`\n## Keystroke echo latency (${samples} keys)`);
  for (const [name, times] of Object.entries(results)) {
    console.log(
      `${name.padEnd(32)} p50 ${percentile(times, 50).toFixed(2)} ms   p99 ${percentile(times, 99).toFixed(2)} ms   (target p99 <= 2 ms for kojo)`,
    );
  }
}

async function startup(): Promise<void> {
  const full = kojoHome('full');
  await full.run(['ls']);
  const time = async (file: string, args: string[], env: Record<string, string>): Promise<number> => {
    const start = performance.now();
    await execa(file, args, { env, extendEnv: false });
    return performance.now() - start;
  };
  const ls: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 15; i++) {
    ls.push(await time(process.execPath, [KOJO, 'ls', '-q'], full.env));
    bare.push(await time(process.execPath, ['-e', '0'], full.env));
  }
  console.log('\n## CLI start-up, median of 15');
  console.log(
    `kojo ls ${median(ls).toFixed(1)} ms, node -e 0 ${median(bare).toFixed(1)} ms, ratio ${(median(ls) / median(bare)).toFixed(2)} (target <= 1.5)`,
  );
}

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

async function memory(): Promise<void> {
  console.log('\n## Daemon RSS');
  for (const [label, args, command] of [
    ['idle direct sessions', ['--direct'], 'sleep 100000'],
    ['idle tmux-backed sessions', [], 'sleep 100000'],
    ['direct sessions, full screen + 1000 lines each', ['--direct'], 'seq 1 1100; sleep 100000'],
  ] as const) {
    if (!args.length && !has('tmux')) continue;
    const kojo = kojoHome(`rss-${label.replace(/\W+/g, '-')}`);
    await kojo.run(['daemon', 'start']);
    const pid = Number(await kojo.run(['daemon', 'start']));
    const figures: string[] = [`empty ${rssOf(pid).toFixed(0)} MB`];
    let count = 0;
    for (const target of [1, 20, 100]) {
      for (; count < target; count++) await kojo.run(['new', ...args, 'exec', '--', '/bin/sh', '-c', command]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      figures.push(`${target}: ${rssOf(pid).toFixed(0)} MB`);
    }
    const target = label.startsWith('idle') ? '   (target <= 150 MB at 100)' : '';
    console.log(`${label.padEnd(48)} ${figures.join(', ')}${target}`);
    await kojo.stop();
  }
}

async function attachTime(): Promise<void> {
  const kojo = kojoHome('attach-time');
  // 1 MB of scrollback, then a last line to look for.
  const id = await kojo.run([
    'new',
    '--direct',
    'exec',
    '--',
    '/bin/sh',
    '-c',
    'seq 1 160000 | head -c 1048576; echo; echo ATTACH-END; sleep 100000',
  ]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const first: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const term = new Terminal(process.execPath, [KOJO, 'attach', id], kojo.env);
    await term.until('ATTACH-END');
    first.push(term.firstByteAt! - start);
    full.push(performance.now() - start);
    term.kill();
  }
  const bare: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await execa(process.execPath, ['-e', '0']);
    bare.push(performance.now() - start);
  }
  console.log('\n## Time to attach, 1 MB of scrollback, median of', ROUNDS);
  console.log(
    `first byte ${median(first).toFixed(0)} ms, full screen ${median(full).toFixed(0)} ms (node start-up alone ${median(bare).toFixed(0)} ms; target <= 100 ms)`,
  );
  await kojo.stop();
}

async function main(): Promise<void> {
  console.log(
    `kojo benchmark on ${os.cpus().length} cores, node ${process.version}; dtach ${has('dtach') ? 'yes' : 'missing'}, tmux ${has('tmux') ? 'yes' : 'missing'}`,
  );
  try {
    const parts: Record<string, () => Promise<void>> = { startup, attachTime, echoLatency, throughput, memory };
    const only = process.env.BENCH_ONLY?.split(',');
    for (const [name, part] of Object.entries(parts)) if (!only || only.includes(name)) await part();
  } finally {
    for (const cleanup of cleanups) cleanup();
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  process.exit(0);
}

void main();
