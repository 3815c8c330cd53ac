// OS errors in words: the user reads what kojo tried and why it failed,
// never a bare `EEXIST: file already exists, mkdir '/dev/null'`.

const REASONS: Record<string, string> = {
  EEXIST: 'it exists and is not a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'it is a directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'an input/output error',
  ECONNREFUSED: 'nothing answers there',
  EADDRINUSE: 'the address is in use',
};

/** An error thrown by a Node.js system call (it carries `code` and `syscall`). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException | undefined;
  return e instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string';
}

/** Why a system call failed, in words; any other error's own message. */
export function systemReason(error: unknown): string {
  if (!isSystemError(error)) return error instanceof Error ? error.message : String(error);
  return REASONS[error.code!] ?? `${error.syscall} failed (${error.code})`;
}

/** A failure already phrased for the user: "cannot <what>: <why>". */
export class SystemFailure extends Error {
  constructor(what: string, cause: unknown) {
    super(`cannot ${what}: ${systemReason(cause)}`);
    this.name = 'SystemFailure';
  }
}

/** Runs `fn`; a failure becomes "cannot <what>: <why>". */
export function attempt<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SystemFailure(what, error);
  }
}

/** For an error that was not wrapped: "<syscall> <path> failed: <why>". */
export function describeUnwrapped(error: NodeJS.ErrnoException): string {
  const where = error.path ? ` ${error.path}` : '';
  return `${error.syscall}${where} failed: ${systemReason(error)}`;
}
