// The dashboard (issue 13): `kojo top` over 50 idle sessions in a fresh
// KOJO_HOME. Start-up to the first full frame, read off a headless xterm fed
// with the benchmark terminal's output, and the CPU that top and the daemon
// use while everything is idle and while the selected session floods.
import fs from 'node:fs';
import xtermHeadless from '@xterm/headless';
import { execa, execaSync } from 'execa';
import { KOJO, killHolding, kojoHome, median, pad, scratchPath, sleep } from './common.js';
import { spawnMany } from './memory.js';
import { Terminal } from './terminal.js';

const SESSIONS = Number(process.env.BENCH_TOP_SESSIONS ?? 50);
const STARTS = 5;
const WINDOW_S = Number(process.env.BENCH_TOP_SECONDS ?? 10);
// Tall enough that the list shows every session (it takes up to half the screen).
const SIZE = { cols: 120, rows: 2 * SESSIONS + 6 };
const TICKS = Number(execaSync('getconf', ['CLK_TCK'], { reject: false }).stdout) || 100;
const nameOf = (i: number): string => `top-${String(i).padStart(2, '0')}`;

/** utime + stime of a process (all its threads), in clock ticks. */
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** Percent of one core each pid used over the next WINDOW_S seconds. */
async function cpuOver(pids: number[]): Promise<number[]> {
  const before = pids.map(cpuTicks);
  const start = performance.now();
  await sleep(WINDOW_S * 1000);
  const seconds = (performance.now() - start) / 1000;
  return pids.map((pid, i) => ((cpuTicks(pid) - before[i]!) / TICKS / seconds) * 100);
}

/** `kojo top` in the benchmark terminal, its screen kept by a headless xterm. */
class Top {
  readonly term: Terminal;
  readonly spawnedAt = performance.now();
  private readonly screen = new xtermHeadless.Terminal({ ...SIZE, allowProposedApi: true });
  private check: (() => void) | undefined;

  constructor(env: Record<string, string>) {
    this.term = new Terminal(process.execPath, [KOJO, 'top'], env, SIZE);
    (this.term.pty.onData as unknown as (listener: (data: Buffer) => void) => void)((data) =>
      this.screen.write(data, () => this.check?.()),
    );
  }

  /** The first full frame: the header's count, every session's name and the footer on the screen. */
  private full(): boolean {
    const buffer = this.screen.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    const text = lines.join('\n');
    const names = new Set(text.match(/top-\d\d/g));
    return text.includes(`kojo top · ${SESSIONS} sessions`) && names.size === SESSIONS && text.includes('q quit');
  }

  /** Milliseconds from spawning to the first full frame. */
  firstFrame(timeoutMs = 20_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('kojo top drew no full frame')), timeoutMs);
      this.check = () => {
        if (!this.full()) return;
        this.check = undefined;
        clearTimeout(timer);
        resolve(performance.now() - this.spawnedAt);
      };
    });
  }

  /** q, as a person leaves; SIGKILL by PID if it has not gone within a second. */
  async quit(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.term.pty.onExit(() => resolve()));
    this.term.write('q');
    await Promise.race([exited, sleep(1000)]);
    this.term.kill();
    this.screen.dispose();
  }
}

export async function top(): Promise<void> {
  console.log(`\n## kojo top with ${SESSIONS} idle sessions (issue 13)`);
  const kojo = kojoHome('top');
  const daemon = await kojo.daemonPid();
  // The first session (the oldest, so the one top selects) floods on demand:
  // each line typed into it starts `yes $TAG`, which we end by PID.
  const tag = scratchPath('flood');
  const flood = await kojo.run(
    ['new', '--direct', '--name', nameOf(0), 'exec', '--', '/bin/sh', '-c', 'while read x; do yes "$TAG"; done'],
    { TAG: tag },
  );
  await spawnMany(SESSIONS - 1, (i) =>
    kojo.run(['new', '--direct', '--name', nameOf(i + 1), 'exec', '--', 'sleep', '1000003']),
  );
  await sleep(2000);

  const starts: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const dashboard = new Top(kojo.env);
    try {
      starts.push(await dashboard.firstFrame());
    } finally {
      await dashboard.quit();
    }
  }
  const node: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const start = performance.now();
    await execa(process.execPath, ['-e', '0']);
    node.push(performance.now() - start);
  }
  console.log(
    `start-up to the first full frame (all ${SESSIONS} names, header and footer on screen), median of ${STARTS}: ` +
      `${median(starts).toFixed(0)} ms (runs: ${starts.map((t) => t.toFixed(0)).join(', ')}); node start-up alone ${median(node).toFixed(0)} ms`,
  );

  const floodFor = async <T>(measure: () => Promise<T>): Promise<T> => {
    await kojo.run(['send', flood, 'go']);
    await sleep(1000); // flooding at full speed before the window opens
    try {
      return await measure();
    } finally {
      killHolding(tag);
      await sleep(2000); // the backlog drained
    }
  };
  // The selected session's state decides whether top re-reads its preview (every 100 ms while starting or working).
  const selectedState = async (): Promise<string> => {
    const list = JSON.parse(await kojo.run(['ls', '--json'])) as Array<{ id: string; state?: string }>;
    return list.find((s) => s.id === flood)?.state ?? 'none';
  };
  type Row = [string, number | undefined, number, number | undefined, string];
  const rows: Row[] = [];
  const [idleAlone] = await cpuOver([daemon]);
  rows.push([`idle, ${SESSIONS} sessions, no top`, undefined, idleAlone!, undefined, '']);

  const dashboard = new Top(kojo.env);
  try {
    await dashboard.firstFrame();
    await sleep(2000);
    // What top and the daemon use, and what top writes to its terminal, over one window.
    const watch = async (): Promise<[number, number, number]> => {
      const from = dashboard.term.bytes;
      const [topCpu, daemonCpu] = await cpuOver([dashboard.term.pty.pid, daemon]);
      return [topCpu!, daemonCpu!, dashboard.term.bytes - from];
    };
    const idle = async (): Promise<Row> => {
      const state = await selectedState();
      return [`idle, top open, selected ${state}`, ...(await watch()), 'expected near zero'];
    };
    rows.push(await idle());
    rows.push([
      `${nameOf(0)} floods (yes), selected in top`,
      ...(await floodFor(watch)),
      'expected bounded (throttled)',
    ]);
    rows.push(await idle());
  } finally {
    await dashboard.quit();
  }
  const [floodAlone] = await floodFor(() => cpuOver([daemon]));
  rows.push([`${nameOf(0)} floods (yes), no top`, undefined, floodAlone!, undefined, '']);

  console.log(`\nCPU, % of one core over ${WINDOW_S} s   ${pad('', 8)}kojo top   daemon   top wrote`);
  const cell = (value: number | undefined, width: number): string =>
    (value === undefined ? '-' : value.toFixed(1)).padStart(width);
  for (const [label, topCpu, daemonCpu, wrote, expectation] of rows)
    console.log(
      `${pad(label, 44)} ${cell(topCpu, 8)} ${cell(daemonCpu, 8)} ${(wrote === undefined ? '-' : `${(wrote / 1024).toFixed(0)} KiB`).padStart(11)}` +
        `${expectation ? `   (${expectation})` : ''}`,
    );
  await kojo.stop();
}
