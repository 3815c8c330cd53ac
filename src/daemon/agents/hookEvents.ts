// What each agent's hook events mean for the session's state. Field names
// as the tools document them:
// - Claude Code hooks reference, https://docs.claude.com/en/docs/claude-code/hooks
//   (session_id, hook_event_name, tool_name, tool_input, notification_type…)
// - Gemini CLI hooks reference, https://geminicli.com/docs/hooks/reference
// - Codex notify, https://github.com/openai/codex/blob/main/docs/config.md#notify
//   (type agent-turn-complete, thread-id, cwd, last-assistant-message)
import type { HookResult, HookSource } from '../../shared/protocol/agent.js';
import type { DetectorHost } from './detector.js';
import { deniedBy } from './denyRule.js';
import { codexHome, findRolloutById } from './codexRollout.js';

export interface HookContext {
  /** The deny rule in force (config yolo-deny). */
  denyRule: string;
  log(message: string): void;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The command or file a tool call is about, for the audit record. */
export function describeToolInput(input: unknown): string {
  if (input && typeof input === 'object') {
    const fields = input as Record<string, unknown>;
    const named = str(fields.command) ?? str(fields.file_path) ?? str(fields.path) ?? str(fields.url);
    if (named) return named.slice(0, 2000);
  }
  return JSON.stringify(input ?? null).slice(0, 2000);
}

function recordId(host: DetectorHost, id: string | undefined): void {
  if (!id || id === host.record.toolSessionId) return;
  host.record.toolSessionId = id;
  host.changed();
}

function permission(host: DetectorHost, event: Record<string, unknown>, ctx: HookContext): HookResult {
  const tool = str(event.tool_name) ?? 'tool';
  const input = describeToolInput(event.tool_input);
  if (!host.record.yoloMode) {
    host.agent.set('asking', 'hook', `${tool}: ${input}`);
    return {};
  }
  if (deniedBy(ctx.denyRule, event.tool_input)) {
    host.agent.set('asking', 'hook', `yolo-deny matched ${tool}: ${input}`);
    return {};
  }
  host.approved({ time: new Date().toISOString(), matched: `${tool}: ${input}`, via: 'hook', tool, input });
  host.agent.set('working', 'hook');
  return { allow: true };
}

/** What one hook event does to the session (one table entry per event name, per tool). */
type EventAction = (host: DetectorHost, event: Record<string, unknown>, ctx: HookContext) => HookResult;

const started: EventAction = (host, event) => {
  // startup, resume, clear and compact each name the live conversation.
  recordId(host, str(event.session_id));
  host.agent.set('idle', 'hook', undefined, false);
  return {};
};
const working: EventAction = (host) => {
  host.agent.set('working', 'hook');
  return {};
};
const finished: EventAction = (host) => {
  host.agent.set('idle', 'hook');
  return {};
};

const CLAUDE_EVENTS: Record<string, EventAction> = {
  SessionStart: started,
  UserPromptSubmit: working,
  PreToolUse: working,
  PostToolUse: working,
  PermissionRequest: permission,
  Notification: (host, event) => {
    if (event.notification_type === 'permission_prompt') host.agent.set('asking', 'hook', str(event.message));
    else if (event.notification_type === 'idle_prompt') host.agent.set('idle', 'hook', str(event.message));
    return {};
  },
  Stop: finished,
};

const GEMINI_EVENTS: Record<string, EventAction> = {
  SessionStart: started,
  BeforeAgent: working,
  BeforeTool: working,
  AfterTool: working,
  Notification: (host, event) => {
    if (event.notification_type === 'ToolPermission') host.agent.set('asking', 'hook', str(event.message));
    return {};
  },
  AfterAgent: finished,
};

/** The table's action for this event, if it names one it knows. */
function byTable(table: Record<string, EventAction>): EventAction {
  return (host, event, ctx) => {
    const name = str(event.hook_event_name);
    const action = name !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
    return action ? action(host, event, ctx) : {};
  };
}

const claude = byTable(CLAUDE_EVENTS);
const gemini = byTable(GEMINI_EVENTS);

function codex(host: DetectorHost, event: Record<string, unknown>): HookResult {
  if (event.type !== 'agent-turn-complete') return {};
  // Only a thread codex saved for this work dir: its title request runs on a thread of its own.
  const thread = str(event['thread-id']);
  const saved = thread ? findRolloutById(codexHome(host.record.env), thread) : undefined;
  if (saved && saved.cwd === host.record.workDir) recordId(host, saved.id);
  host.agent.set('idle', 'hook', str(event['last-assistant-message'])?.slice(0, 200));
  return {};
}

/** One hook call; malformed or unknown events change nothing. */
export function handleHook(
  host: DetectorHost,
  source: HookSource,
  event: Record<string, unknown>,
  ctx: HookContext,
): HookResult {
  if (!host.isRunning()) return {};
  // codex's notify is one event, not a full set: the screen keeps watching.
  if (source !== 'codex') host.agent.heardHook();
  if (source === 'claude') return claude(host, event, ctx);
  if (source === 'gemini') return gemini(host, event, ctx);
  return codex(host, event);
}
