// kojo's hooks for claude, passed as `--settings <json>`. Shape from the
// Claude Code hooks reference (https://docs.claude.com/en/docs/claude-code/hooks):
// {"hooks":{"<Event>":[{"matcher":"…","hooks":[{"type":"command","command":"…","timeout":N}]}]}}
// and `apiKeyHelper` from its settings reference
// (https://docs.claude.com/en/docs/claude-code/settings): a shell command
// whose output is the API key, so no "use this API key?" dialog appears.
// Of two --settings flags only the last counts (SPEC §10, measured with
// 2.1.197): the user's own settings are merged with kojo's into one.
import fs from 'node:fs';
import path from 'node:path';

export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Notification',
  'Stop',
  'SessionEnd',
] as const;
const TOOL_EVENTS = new Set<string>(['PreToolUse', 'PostToolUse', 'PermissionRequest']);
/** Seconds claude gives one hook; `kojo hook` itself ends well before. */
const HOOK_TIMEOUT_S = 10;

type Settings = Record<string, unknown>;

export function kojoClaudeSettings(command: string, apiKeyHelper?: string): Settings {
  const hooks: Record<string, unknown[]> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const group: Record<string, unknown> = { hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_S }] };
    if (TOOL_EVENTS.has(event)) group.matcher = '*';
    hooks[event] = [group];
  }
  return apiKeyHelper ? { hooks, apiKeyHelper } : { hooks };
}

/** The user's settings and kojo's in one: hook lists joined, the user's other keys kept. */
export function mergeSettings(user: Settings, ours: Settings): Settings {
  const merged: Settings = { ...user };
  const userHooks = (isObject(user.hooks) ? user.hooks : {}) as Record<string, unknown>;
  const hooks: Record<string, unknown> = { ...userHooks };
  for (const [event, groups] of Object.entries(ours.hooks as Record<string, unknown[]>)) {
    const theirs = Array.isArray(userHooks[event]) ? (userHooks[event] as unknown[]) : [];
    hooks[event] = [...theirs, ...groups];
  }
  merged.hooks = hooks;
  if (ours.apiKeyHelper !== undefined && user.apiKeyHelper === undefined) merged.apiKeyHelper = ours.apiKeyHelper;
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The user's --settings value (JSON text or a file) as an object. */
function readUserSettings(value: string, workDir: string): Settings {
  const text = value.trim().startsWith('{') ? value : fs.readFileSync(path.resolve(workDir, value), 'utf8');
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error('not a JSON object');
  return parsed;
}

/**
 * The arguments with one `--settings`: the user's last one merged with
 * kojo's. When the user's cannot be read, theirs is passed as given and
 * kojo's hooks are left out (the screen watches instead): `problem` says why.
 */
export function withClaudeSettings(
  args: string[],
  workDir: string,
  ours: Settings,
): { args: string[]; problem?: string } {
  const rest: string[] = [];
  let userValue: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--settings' && i + 1 < args.length) userValue = args[++i];
    else if (arg.startsWith('--settings=')) userValue = arg.slice('--settings='.length);
    else rest.push(arg);
  }
  let settings = ours;
  if (userValue !== undefined) {
    try {
      settings = mergeSettings(readUserSettings(userValue, workDir), ours);
    } catch (error) {
      return { args, problem: `cannot read --settings ${userValue}: ${(error as Error).message}` };
    }
  }
  return { args: [...rest, '--settings', JSON.stringify(settings)] };
}
