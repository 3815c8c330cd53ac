// Raw-socket helpers for tests that check the daemon's own guards.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connect, rawExchange, waitFor, type Sandbox } from './kojo.js';

export function socketOf(box: Sandbox): string {
  return path.join(box.home, 'run/kojo.sock');
}

export async function open(box: Sandbox): Promise<net.Socket> {
  const socket = await connect(socketOf(box));
  if (!socket) throw new Error('daemon not answering');
  return socket;
}

/** A JSON-RPC reply as it came. */
export interface RawReply {
  result?: unknown;
  error?: { code: number; message: string };
}

/** One request on a fresh connection; the reply. */
export async function call(box: Sandbox, method: string, params: unknown): Promise<RawReply> {
  const socket = await open(box);
  try {
    return (await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) + '\n')) as RawReply;
  } finally {
    socket.destroy();
  }
}

/** Attach over a raw socket; resolves once the daemon answered the handshake. */
export async function rawAttach(
  box: Sandbox,
  params: Record<string, unknown>,
): Promise<{ socket: net.Socket; reply: Record<string, unknown> }> {
  const socket = await open(box);
  const reply = (await rawExchange(
    socket,
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'session.attach', params }) + '\n',
  )) as Record<string, unknown>;
  socket.on('data', () => undefined); // keep reading the stream
  socket.on('error', () => undefined);
  return { socket, reply };
}

export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

export function closed(socket: net.Socket, timeoutMs = 10_000): Promise<void> {
  let done = socket.destroyed;
  socket.once('close', () => (done = true));
  return waitFor(() => done, timeoutMs, 'connection to close');
}

/** A small deterministic PRNG (mulberry32): the same seed, the same fuzz. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
