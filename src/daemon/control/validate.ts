// Params of every method, checked before any handler runs. The schemas are
// tied to the shared types so that a change on one side fails to compile.
import { z } from 'zod';
import type { Methods, MethodName } from '../../shared/protocol.js';
import { AGENT_STATES } from '../../shared/protocol/agent.js';
import { MALFORMED_HOOK_EXCERPT_CHARS, normalizeSize } from '../../shared/limits.js';

// Any u16 is accepted, then cut to the one size rule (0 falls back to 80×24).
const dimension = z.number().int().min(0).max(65_535);
const cols = dimension.transform((value) => normalizeSize(value, 1).cols);
const rows = dimension.transform((value) => normalizeSize(1, value).rows);
const session = z.string().min(1).max(256);
const empty = z.object({}).strict();

export const paramSchemas: { [M in MethodName]: z.ZodType<Methods[M]['params']> } = {
  'daemon.hello': empty,
  'daemon.shutdown': empty,
  'session.create': z
    .object({
      tool: z.string().min(1).max(64),
      args: z.array(z.string().max(65_536)).max(4096),
      cwd: z.string().min(1).max(4096).optional(),
      env: z.record(z.string(), z.string()).optional(),
      // Only a bound on size here: the naming rule, and its message, are checkName's.
      name: z.string().max(4096).optional(),
      yolo: z.boolean().optional(),
      direct: z.boolean().optional(),
      baseUrl: z.string().max(4096).optional(),
      cols: cols.optional(),
      rows: rows.optional(),
    })
    .strict(),
  'session.list': z.object({ all: z.boolean().optional() }).strict(),
  'session.get': z.object({ session }).strict(),
  'session.stop': z.object({ session }).strict(),
  'session.remove': z.object({ session, force: z.boolean().optional() }).strict(),
  'session.restart': z.object({ session, env: z.record(z.string(), z.string()).optional() }).strict(),
  'session.yolo': z.object({ session, enabled: z.boolean().optional() }).strict(),
  'session.attachments': z.object({ session }).strict(),
  'session.attachmentRemove': z.object({ session, path: z.string().min(1).max(4096) }).strict(),
  'session.watch': z.object({ session, topic: z.enum(['yolo', 'attachments']) }).strict(),
  'session.tmuxOpen': z.object({ session }).strict(),
  'session.tmuxAction': z.object({ session, action: z.string().min(1).max(64) }).strict(),
  'session.attach': z
    .object({
      session,
      cols,
      rows,
      readOnly: z.boolean().optional(),
      replay: z.enum(['screen', 'raw']).optional(),
    })
    .strict(),
  'session.hook': z
    .object({
      session,
      source: z.enum(['claude', 'codex', 'gemini']),
      event: z.record(z.string(), z.unknown()),
      malformed: z.string().max(MALFORMED_HOOK_EXCERPT_CHARS).optional(),
    })
    .strict(),
  'events.subscribe': empty,
  'config.get': z.object({ key: z.string().min(1).max(256) }).strict(),
  'config.set': z.object({ key: z.string().min(1).max(256), value: z.string().max(4096) }).strict(),
  'session.send': z
    .object({
      session,
      text: z
        .string()
        .max(512 * 1024)
        .optional(),
      enter: z.boolean().optional(),
      keys: z.array(z.string().min(1).max(64)).max(1024).optional(),
    })
    .strict(),
  'session.wait': z
    .object({
      session,
      until: z.array(z.enum(AGENT_STATES)).min(1).max(AGENT_STATES.length).optional(),
      after: z
        .object({ state: z.enum(AGENT_STATES).optional(), stateSince: z.string().max(64).optional() })
        .strict()
        .optional(),
      quietMs: z.number().int().min(1).max(3_600_000).optional(),
      timeoutMs: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
      outputSince: z.number().int().min(0).optional(),
    })
    .strict(),
  'session.capture': z
    .object({ session, escapes: z.boolean().optional(), scrollback: z.number().int().min(0).max(1_000_000).optional() })
    .strict(),
  'session.logs': z.object({ session, follow: z.boolean().optional() }).strict(),
};

/** Describes the first problem in a way a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid params';
  const where = issue.path.length ? issue.path.join('.') : 'params';
  return `invalid params: ${where}: ${issue.message}`;
}
