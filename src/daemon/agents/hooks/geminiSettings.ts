// Gemini CLI has no --settings flag; its system settings file (highest
// precedence, objects merged) can be moved with GEMINI_CLI_SYSTEM_SETTINGS_PATH
// (https://geminicli.com/docs/reference/configuration). kojo writes one per
// session holding its hooks (https://geminicli.com/docs/hooks/reference:
// {"hooks":{"<Event>":[{"matcher":"…","hooks":[{"type":"command","command":"…"}]}]}},
// events SessionStart, BeforeAgent, AfterAgent, BeforeTool, AfterTool,
// Notification, SessionEnd), merged over the user's own system file if set.
import fs from 'node:fs';
import path from 'node:path';
import { mergeSettings } from './claudeSettings.js';

export const GEMINI_HOOK_EVENTS = [
  'SessionStart',
  'BeforeAgent',
  'AfterAgent',
  'BeforeTool',
  'AfterTool',
  'Notification',
  'SessionEnd',
] as const;
export const GEMINI_SETTINGS_ENV = 'GEMINI_CLI_SYSTEM_SETTINGS_PATH';
/** Milliseconds gemini gives one hook. */
const HOOK_TIMEOUT_MS = 10_000;

export function kojoGeminiSettings(command: string): Record<string, unknown> {
  const hooks: Record<string, unknown[]> = {};
  for (const event of GEMINI_HOOK_EVENTS) {
    hooks[event] = [{ hooks: [{ type: 'command', name: 'kojo', command, timeout: HOOK_TIMEOUT_MS }] }];
  }
  return { hooksConfig: { enabled: true }, hooks };
}

/** Writes the session's settings file; returns the environment that points gemini at it. */
export function writeGeminiSettings(
  dir: string,
  sessionId: string,
  env: Record<string, string>,
  ours: Record<string, unknown>,
): Record<string, string> {
  const file = path.join(dir, `${sessionId}.json`);
  let user: Record<string, unknown> = {};
  const previous = env[GEMINI_SETTINGS_ENV];
  if (previous && previous !== file) {
    try {
      user = JSON.parse(fs.readFileSync(previous, 'utf8')) as Record<string, unknown>;
    } catch {
      // Unreadable: gemini would not have read it either.
    }
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(mergeSettings(user, ours)) + '\n', { mode: 0o600 });
  return { [GEMINI_SETTINGS_ENV]: file };
}
