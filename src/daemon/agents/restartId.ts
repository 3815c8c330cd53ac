import type { ToolName } from '../../shared/protocol/session.js';
import { codexHome, findRolloutById, findRolloutFor } from './codexRollout.js';

/**
 * The conversation a restart resumes. codex: only one it saved (its rollout
 * file), else the first saved in the work dir since the session began, else
 * none (`resume --last`, and no toolSessionId shown). Others: the recorded id.
 */
export function restartToolSessionId(record: {
  tool: ToolName;
  workDir: string;
  env: Record<string, string>;
  createdAt: string;
  toolSessionId?: string;
}): string | undefined {
  if (record.tool !== 'codex') return record.toolSessionId;
  const home = codexHome(record.env);
  if (record.toolSessionId && findRolloutById(home, record.toolSessionId)) return record.toolSessionId;
  return findRolloutFor(home, record.workDir, new Date(record.createdAt))?.id;
}
