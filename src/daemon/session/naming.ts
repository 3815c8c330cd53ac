// How sessions are named and found: the one rule for names, and how a
// reference (ID, name or ID prefix) picks exactly one session.
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { isSessionId } from '../../shared/ids.js';
import type { Session } from './session.js';

/** Full ID, name, or a unique ID prefix (with or without `s_`). */
export function findSession(sessions: ReadonlyMap<string, Session>, ref: string): Session {
  const exact = sessions.get(ref);
  if (exact) return exact;
  for (const session of sessions.values()) if (session.record.name === ref) return session;
  const prefix = ref.startsWith('s_') ? ref : `s_${ref}`;
  const matches = /^s_[0-9a-f]*$/.test(prefix) ? [...sessions.values()].filter((s) => s.id.startsWith(prefix)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const names = matches.map((s) => (s.record.name ? `${s.id} (${s.record.name})` : s.id)).join(', ');
    throw new KojoError(ErrorCode.AmbiguousSession, `ambiguous session "${ref}": matches ${names}`);
  }
  throw new KojoError(ErrorCode.SessionNotFound, `session not found: ${ref}`);
}

/**
 * The one rule for names, whatever their length: 1–64 of letters, digits,
 * '.', '_', '-', starting with a letter or digit, and not `s_` + hex, which
 * reads as an ID or an ID prefix and would shadow real sessions.
 */
export function checkName(name: string, sessions: Iterable<Session>): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || /^s_[0-9a-f]/i.test(name) || isSessionId(name)) {
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    throw new KojoError(
      ErrorCode.InvalidParams,
      `invalid name ${shown}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, and not s_ followed by hex (that reads as a session ID)`,
    );
  }
  for (const session of sessions) {
    if (session.record.name === name) {
      throw new KojoError(ErrorCode.NameTaken, `name already in use: ${name} (${session.id})`);
    }
  }
}
