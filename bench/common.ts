// What every benchmark part shares: paths, the scratch directory, cleanup,
// tiny statistics, and a kojo instance under its own KOJO_HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { pidsHolding } from './procs.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KOJO = path.join(ROOT, 'bin/kojo');
export const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-bench-'));

const cleanups: Array<() => void | Promise<void>> = [];
export const onCleanup = (cleanup: () => void | Promise<void>): void => void cleanups.push(cleanup);
export async function cleanupAll(): Promise<void> {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  fs.rmSync(scratch, { recursive: true, force: true });
}

export const has = (tool: string): boolean =>
  execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode === 0;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
});

let counter = 0;
/** A fresh path in the scratch directory. */
export const scratchPath = (stem: string): string => path.join(scratch, `${stem}-${counter++}`);

export interface Kojo {
  home: string;
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string>): Promise<string>;
  /** The daemon's pid, starting it if needed. */
  daemonPid(): Promise<number>;
  /** The pid of kojo's private tmux server, if one runs. */
  tmuxServerPid(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export function kojoHome(name: string, extraEnv: Record<string, string> = {}): Kojo {
  const home = path.join(scratch, name);
  const env: Record<string, string> = { ...baseEnv(), KOJO_HOME: home, ...extraEnv };
  const tmuxSocket = path.join(home, 'run/tmux.sock');
  const kojo: Kojo = {
    home,
    env,
    run: async (args, more = {}) =>
      (await execa(KOJO, args, { env: { ...env, ...more }, extendEnv: false })).stdout.trim(),
    daemonPid: async () => {
      await kojo.run(['daemon', 'start']);
      return (JSON.parse(await kojo.run(['daemon', 'status', '--json'])) as { pid: number }).pid;
    },
    tmuxServerPid: async () => {
      const r = await execa('tmux', ['-S', tmuxSocket, 'display', '-p', '#{pid}'], { reject: false });
      return r.exitCode === 0 ? Number(r.stdout.trim()) : undefined;
    },
    stop: async () => {
      await execa(KOJO, ['daemon', 'stop'], { env, extendEnv: false, reject: false });
      await execa('tmux', ['-S', tmuxSocket, 'kill-server'], { reject: false });
    },
  };
  onCleanup(() => kojo.stop());
  return kojo;
}

/** SIGKILL, by pid, the processes whose command line holds `unique` (a scratch path only we use). */
export function killHolding(unique: string): void {
  for (const pid of pidsHolding(unique)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
export const pad = (text: string, width: number): string => text.padEnd(width);
