// Params of every method, checked before any handler runs. The schemas are
// tied to the shared types so that a change on one side fails to compile.
import { z } from 'zod';
import type { Methods, MethodName } from '../../shared/protocol.js';

const size = z.number().int().min(1).max(10_000);
const session = z.string().min(1).max(256);
const empty = z.object({}).strict();

export const paramSchemas: { [M in MethodName]: z.ZodType<Methods[M]['params']> } = {
  'daemon.hello': empty,
  'daemon.shutdown': empty,
  'session.create': z
    .object({
      tool: z.string().min(1).max(64),
      args: z.array(z.string().max(65_536)).max(4096),
      cwd: z.string().min(1).max(4096),
      env: z.record(z.string(), z.string()),
      name: z.string().max(256).optional(),
      yolo: z.boolean().optional(),
      direct: z.boolean().optional(),
      baseUrl: z.string().max(4096).optional(),
      cols: size.optional(),
      rows: size.optional(),
    })
    .strict(),
  'session.list': z.object({ all: z.boolean().optional() }).strict(),
  'session.get': z.object({ session }).strict(),
  'session.stop': z.object({ session }).strict(),
  'session.remove': z.object({ session, force: z.boolean().optional() }).strict(),
  'session.restart': z.object({ session }).strict(),
  'session.yolo': z.object({ session, enabled: z.boolean().optional() }).strict(),
  'session.attachments': z.object({ session }).strict(),
  'session.attachmentRemove': z.object({ session, path: z.string().min(1).max(4096) }).strict(),
  'session.watch': z.object({ session, topic: z.enum(['yolo', 'attachments']) }).strict(),
  'session.tmuxOpen': z.object({ session }).strict(),
  'session.tmuxAction': z.object({ session, action: z.string().min(1).max(64) }).strict(),
  'session.attach': z
    .object({
      session,
      cols: size,
      rows: size,
      readOnly: z.boolean().optional(),
      replay: z.enum(['screen', 'raw']).optional(),
    })
    .strict(),
  'session.hook': z
    .object({ session, source: z.enum(['claude', 'codex', 'gemini']), event: z.record(z.string(), z.unknown()) })
    .strict(),
  'events.subscribe': empty,
  'config.get': z.object({ key: z.string().min(1).max(256) }).strict(),
  'config.set': z.object({ key: z.string().min(1).max(256), value: z.string().max(4096) }).strict(),
};

/** Describes the first problem in a way a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid params';
  const where = issue.path.length ? issue.path.join('.') : 'params';
  return `invalid params: ${where}: ${issue.message}`;
}
