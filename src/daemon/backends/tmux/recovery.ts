// A copy of each tmux-backed session's record kept in tmux itself (a user
// option on its tmux session), so that when sessions.json is lost or
// corrupt the daemon can still find and re-adopt the sessions that tmux
// keeps running, instead of leaving them invisible.
import type { TmuxServer } from './server.js';

const RECORD_OPTION = '@kojo-record';

/** Keeps `text` (a stored record) on the tmux session `name`. */
export async function rememberRecord(server: TmuxServer, name: string, text: string): Promise<void> {
  const set = await server.run(['set-option', '-t', name, RECORD_OPTION, text]);
  if (!set.ok) server.log(`cannot keep the record of ${name} in tmux: ${set.stderr.trim()}`);
}

/** The records kept on kojo's tmux sessions (one listing; JSON has no raw tab or newline). */
export async function rememberedRecords(server: TmuxServer): Promise<string[]> {
  const listed = await server.run(['list-sessions', '-F', `#{session_name}\t#{${RECORD_OPTION}}`]);
  if (!listed.ok) return [];
  return listed.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name, text]) => name?.startsWith('kojo_') && text)
    .map(([, text]) => text!);
}
