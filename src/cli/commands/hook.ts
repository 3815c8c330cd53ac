// `kojo hook <claude|codex|gemini>`: run by an agent's own hooks (SPEC §10).
// It must never hurt the agent: whatever happens it exits 0 within
// HOOK_CALL_TIMEOUT_MS and prints nothing but the allow decision when yolo
// approves a permission request. No daemon autostart, no version handshake.
import net from 'node:net';
import type { Command } from 'commander';
import { HOOK_CALL_TIMEOUT_MS, MALFORMED_HOOK_EXCERPT_CHARS, MAX_CONTROL_FRAME_BYTES } from '../../shared/limits.js';
import { statePaths } from '../../shared/paths.js';
import { HOOK_SOURCES, type HookSource } from '../../shared/protocol/agent.js';

/** Claude Code's documented allow decision for a PermissionRequest hook. */
export const ALLOW_DECISION = JSON.stringify({
  hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
});

export function register(program: Command): void {
  program
    .command('hook', { hidden: true })
    .description("called by an agent's hooks; reads the event JSON on stdin (codex: the last argument)")
    .argument('<source>', HOOK_SOURCES.join(', '))
    .argument('[payload]', "codex's notify JSON")
    .option('--socket <path>', "the daemon's control socket")
    .allowUnknownOption()
    .action(async (source: string, payload: string | undefined, options: { socket?: string }) => {
      const deadline = Date.now() + HOOK_CALL_TIMEOUT_MS;
      const timer = setTimeout(() => process.exit(0), HOOK_CALL_TIMEOUT_MS);
      try {
        const output = await runHook(source, payload, options.socket, deadline);
        if (output) process.stdout.write(output + '\n');
      } catch {
        // Nothing the agent would act on.
      }
      clearTimeout(timer);
      process.exitCode = 0;
    });
}

async function runHook(
  source: string,
  payload: string | undefined,
  socketPath: string | undefined,
  deadline: number,
): Promise<string | undefined> {
  const session = process.env.KOJO_SESSION_ID;
  if (!session || !(HOOK_SOURCES as readonly string[]).includes(source)) return undefined;
  const text = payload ?? (await readStdin(deadline));
  const event = parseEvent(text);
  const socket = socketPath ?? statePaths().socket;
  // Not an event: the daemon logs it (the agent is not told).
  const params = event
    ? { session, source: source as HookSource, event }
    : { session, source: source as HookSource, event: {}, malformed: text.slice(0, MALFORMED_HOOK_EXCERPT_CHARS) };
  const answer = await call(socket, params, deadline);
  return answer?.allow ? ALLOW_DECISION : undefined;
}

function parseEvent(text: string): Record<string, unknown> | undefined {
  try {
    const event: unknown = JSON.parse(text);
    if (typeof event === 'object' && event !== null && !Array.isArray(event)) return event as Record<string, unknown>;
  } catch {
    // Said to the daemon as malformed.
  }
  return undefined;
}

function readStdin(deadline: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('{}');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new Error('stdin timed out')), Math.max(0, deadline - Date.now()));
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONTROL_FRAME_BYTES / 2) return reject(new Error('event too large'));
      chunks.push(chunk);
    });
    process.stdin.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.once('error', reject);
  });
}

/** One JSON-RPC request, one answer line, bounded by the deadline. */
function call(socketPath: string, params: unknown, deadline: number): Promise<{ allow?: boolean } | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    const done = (value: { allow?: boolean } | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), Math.max(0, deadline - Date.now()));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl === -1) return;
      try {
        const reply = JSON.parse(buffer.slice(0, nl)) as { result?: { allow?: boolean } };
        done(reply.result);
      } catch {
        done(undefined);
      }
    });
    socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'session.hook', params }) + '\n');
  });
}
