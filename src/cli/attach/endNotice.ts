import type { EndReason } from '../../shared/attachStream.js';

/** The exit status and one-line notice for a stream that ended without a detach. */
export function endNotice(id: string, end: EndReason | undefined): { status: number; notice: string } {
  switch (end?.reason) {
    case 'exited': {
      const how = end.signal ? `killed by ${end.signal}` : `exited with code ${end.code ?? '?'}`;
      return { status: end.code ?? 1, notice: `[session ${id} ${how}]` };
    }
    case 'dropped': {
      const limit = Math.round(end.limitBytes / (1024 * 1024));
      return {
        status: 1,
        notice: `kojo: fell over ${limit} MB behind ${id}'s output and was dropped (a raw stream cannot skip bytes)`,
      };
    }
    case 'lost':
      return { status: 1, notice: `[session ${id} lost: it ended with an earlier daemon, exit code unknown]` };
    case 'shutdown':
      return { status: 1, notice: `kojo: the kojo daemon stopped; detached from ${id}` };
    default:
      return { status: 1, notice: 'kojo: lost connection to the kojo daemon' };
  }
}
