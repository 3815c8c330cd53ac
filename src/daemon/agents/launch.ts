import path from 'node:path';
import type { ToolName } from '../../shared/protocol/session.js';
import { TOOLS } from './tools.js';
import { hookArgv, hookShellCommand } from './hooks/hookCommand.js';
import { kojoClaudeSettings, withClaudeSettings } from './hooks/claudeSettings.js';
import { withCodexNotify } from './hooks/codexNotify.js';
import { kojoGeminiSettings, writeGeminiSettings } from './hooks/geminiSettings.js';

export interface LaunchContext {
  /** The daemon's control socket, for `kojo hook`. */
  socket: string;
  /** Where per-session hook settings files go. */
  runDir: string;
  log(message: string): void;
}

/** Tells claude's apiKeyHelper what to print: the key set aside by the custom tool. */
const CUSTOM_API_KEY_HELPER = `printf '%s\\n' "$KOJO_CUSTOM_API_KEY"`;

/**
 * The arguments a tool is actually run with: the user's (or restart's) plus
 * the hooks kojo listens on (SPEC §10). May add to `env`. The stored args
 * stay the user's.
 */
export function launchArgs(
  session: { id: string; tool: ToolName; workDir: string; env: Record<string, string> },
  args: string[],
  ctx: LaunchContext,
): string[] {
  const kind = TOOLS[session.tool].hooks;
  if (kind === 'permission') {
    const helper = session.tool === 'custom' ? CUSTOM_API_KEY_HELPER : undefined;
    const ours = kojoClaudeSettings(hookShellCommand('claude', ctx.socket), helper);
    const merged = withClaudeSettings(args, session.workDir, ours);
    if (merged.problem) ctx.log(`${session.id}: ${merged.problem}; state from the screen`);
    return merged.args;
  }
  if (kind === 'notify') return withCodexNotify(args, hookArgv('codex', ctx.socket));
  if (kind === 'hooks') {
    const ours = kojoGeminiSettings(hookShellCommand('gemini', ctx.socket));
    try {
      Object.assign(session.env, writeGeminiSettings(path.join(ctx.runDir, 'gemini'), session.id, session.env, ours));
    } catch (error) {
      ctx.log(`${session.id}: cannot write gemini settings: ${(error as Error).message}; state from the screen`);
    }
  }
  return args;
}
