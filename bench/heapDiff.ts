// For the soak's diagnosis: ask the daemon for a heap snapshot (Node's
// --heapsnapshot-signal; taking one forces a full GC) and compare two of
// them by constructor, to see which objects pile up.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from './common.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export type HeapCensus = Map<string, { count: number; bytes: number }>;

/** Signals the daemon, waits for the snapshot file in `dir`, and counts its objects. */
export async function heapCensus(pid: number, dir: string): Promise<HeapCensus> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let file: string | undefined;
  let size = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    file ??= fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const now = fs.statSync(path.join(dir, file)).size;
    if (now === size && now > 0) break;
    size = now;
  }
  if (!file) throw new Error('no heap snapshot appeared');
  const snapshot = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Snapshot;
  fs.rmSync(path.join(dir, file));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const census: HeapCensus = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!]!.replace(/\s+/g, ' ').slice(0, 60);
    const key = `${types[snapshot.nodes[i + typeAt]!]}:${name}`;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    census.set(key, entry);
  }
  return census;
}

/** The kinds of object that grew most between two censuses, by bytes. */
export function printGrowth(from: HeapCensus, to: HeapCensus, top = 15): void {
  const total = (c: HeapCensus): number => [...c.values()].reduce((s, e) => s + e.bytes, 0);
  console.log(`heap (after forced GC): ${(total(from) / 1e6).toFixed(1)} -> ${(total(to) / 1e6).toFixed(1)} MB`);
  const growth = [...to.entries()]
    .map(([key, e]) => ({
      key,
      count: e.count - (from.get(key)?.count ?? 0),
      bytes: e.bytes - (from.get(key)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
  for (const g of growth)
    console.log(`  ${g.key.padEnd(66)} ${g.count >= 0 ? '+' : ''}${g.count} objects, ${(g.bytes / 1e3).toFixed(0)} kB`);
}
