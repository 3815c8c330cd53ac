import { randomBytes } from 'node:crypto';

const SESSION_ID = /^s_[0-9a-f]{16}$/;

export function newSessionId(): string {
  return `s_${randomBytes(8).toString('hex')}`;
}

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}
