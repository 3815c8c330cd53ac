// Helpers for the agent-state e2e tests: state events from a raw
// subscription, sessions, and typing at a session as a person would.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor, connect, type Sandbox } from './kojo.js';
import type { SessionInfo, StateEvent } from '../../src/shared/protocol/session.js';

export function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export async function info(b: Sandbox, id: string): Promise<SessionInfo> {
  const list = JSON.parse((await b.run(['ls', '--json', '--all'])).stdout) as SessionInfo[];
  const found = list.find((s) => s.id === id);
  assert.ok(found, `${id} listed`);
  return found;
}

/** Every state event of the daemon, read from a raw subscription made before anything starts. */
export async function subscribe(b: Sandbox): Promise<{ events: StateEvent[]; close(): void }> {
  assert.equal((await b.run(['ls'])).exitCode, 0); // the daemon is up
  const socket = (await connect(path.join(b.home, 'run/kojo.sock')))!;
  const events: StateEvent[] = [];
  let buffer = '';
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const message = JSON.parse(buffer.slice(0, nl)) as { method?: string; params?: StateEvent; id?: number };
      buffer = buffer.slice(nl + 1);
      if (message.method === 'events.state') events.push(message.params!);
      else if (message.id === 1) subscribed();
    }
  });
  socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: {} }) + '\n');
  await ready;
  return { events, close: () => socket.destroy() };
}

export const statesOf = (events: StateEvent[], id: string): string[] =>
  events.filter((e) => e.id === id).map((e) => e.state);

export async function waitForState(events: StateEvent[], id: string, state: string, count = 1): Promise<void> {
  await waitFor(
    () => statesOf(events, id).filter((s) => s === state).length >= count,
    20_000,
    () => `${id} to be ${state} (seen ${statesOf(events, id).join(' → ')})`,
  );
}

export async function newSession(b: Sandbox, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await b.run(['new', ...args], { env });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

/** Attach, type, detach (Ctrl-\): what a person at a terminal does. */
export async function typeInto(b: Sandbox, id: string, text: string, waitText?: string): Promise<void> {
  const term = b.attachPty(['attach', '-q', id]);
  await term.waitForText(/ready|session id|\S/);
  term.write(text);
  if (waitText) await term.waitForText(waitText, 60_000);
  term.write('\x1c');
  assert.equal(await term.waitForExit(), 0);
}
