import { randomUUID } from 'node:crypto';
import { TOOL_EXECUTABLE, TOOL_NAMES, type ToolName } from '../../shared/protocol/session.js';

export const DEFAULT_CUSTOM_BASE_URL = 'http://localhost:8080';

/** What kojo knows about one tool; adding a tool is one entry in TOOLS. */
export interface ToolSpec {
  /** Arguments for a fresh start, and the tool session id they fix, if any. */
  startArgs(args: string[]): { args: string[]; toolSessionId?: string };
  /** Arguments for `kojo restart`, from the original ones. */
  restartArgs(args: string[], toolSessionId: string | undefined): string[];
  /** Extra environment. */
  env?(context: { baseUrl: string; env: Record<string, string> }): Record<string, string>;
  /** Variables removed from the caller's environment. */
  dropEnv?: string[];
  /** Read the tool's session id from its output (codex). */
  capturesSessionId?: boolean;
  /**
   * How the tool reports its state (SPEC §10): `permission` hooks that also
   * answer permission requests (claude), `hooks` (gemini), a `notify`
   * program after each turn (codex); none: the screen only.
   */
  hooks?: 'permission' | 'hooks' | 'notify';
  /** A terminal: the user's login shell (inside tmux when tmux is used). */
  terminal?: boolean;
}

const unchanged = (args: string[]): { args: string[] } => ({ args });

/** Removes `--flag value`, `--flag=value`, `-f value` forms of the given flags. */
export function dropOption(args: string[], names: string[], takesValue: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (names.includes(arg)) {
      if (takesValue && i + 1 < args.length && !args[i + 1]!.startsWith('-')) i++;
      continue;
    }
    if (takesValue && names.some((name) => name.startsWith('--') && arg.startsWith(`${name}=`))) continue;
    out.push(arg);
  }
  return out;
}

// codex options that take a value (codex --help); any other word that does
// not start with '-' is a subcommand, a session id or a prompt.
const CODEX_VALUE_OPTIONS = new Set([
  '-c',
  '--config',
  '-m',
  '--model',
  '-p',
  '--profile',
  '-s',
  '--sandbox',
  '-a',
  '--ask-for-approval',
  '-C',
  '--cd',
  '-i',
  '--image',
  '--add-dir',
  '--enable',
  '--disable',
  '--local-provider',
]);

/**
 * The user's codex options without positionals: on restart `resume <id>`
 * (or `--last`) is the command, and a prompt or an earlier `resume X` beside
 * it is rejected ("'--last' cannot be used with '[PROMPT]'").
 */
export function codexOptions(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--last') continue;
    if (CODEX_VALUE_OPTIONS.has(arg)) {
      out.push(arg);
      if (i + 1 < args.length) out.push(args[++i]!);
    } else if (arg.startsWith('-')) out.push(arg);
  }
  return out;
}

function claudeSessionId(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--session-id' && i + 1 < args.length) return args[i + 1];
    if (arg.startsWith('--session-id=')) return arg.slice('--session-id='.length);
  }
  return undefined;
}

const claude: ToolSpec = {
  hooks: 'permission',
  startArgs(args) {
    const given = claudeSessionId(args);
    if (given) return { args, toolSessionId: given };
    const id = randomUUID();
    return { args: [...args, '--session-id', id], toolSessionId: id };
  },
  restartArgs(args, toolSessionId) {
    let out = dropOption(args, ['--resume', '-r'], true);
    out = dropOption(out, ['--continue', '-c'], false);
    // The original --session-id would start a new conversation under that id again.
    out = dropOption(out, ['--session-id'], true);
    return toolSessionId ? [...out, '--resume', toolSessionId] : [...out, '--continue'];
  },
};

export const TOOLS: Record<ToolName, ToolSpec> = {
  claude,
  custom: {
    ...claude,
    // The key goes through the settings' apiKeyHelper (see hooks/claudeSettings.ts),
    // not ANTHROPIC_API_KEY: that one makes claude ask "use this API key?".
    env: ({ baseUrl, env }) => ({ ANTHROPIC_BASE_URL: baseUrl, KOJO_CUSTOM_API_KEY: env.ANTHROPIC_API_KEY || 'dummy' }),
    dropEnv: ['ANTHROPIC_API_KEY'],
  },
  codex: {
    hooks: 'notify',
    startArgs: unchanged,
    restartArgs: (args, id) => ['resume', id ?? '--last', ...codexOptions(args)],
    capturesSessionId: true,
  },
  gemini: {
    hooks: 'hooks',
    startArgs: unchanged,
    restartArgs: (args, id) => [...dropOption(args, ['--resume', '-r'], true), '--resume', id ?? 'latest'],
  },
  tmux: {
    startArgs: unchanged,
    restartArgs: (args) => args,
    terminal: true,
  },
  exec: {
    startArgs: unchanged,
    restartArgs: (args) => args,
  },
};

/** The user's arguments for the tool itself: for exec, those after the program. */
export function toolArgs(tool: ToolName, args: string[]): string[] {
  return TOOL_EXECUTABLE[tool] ? args : args.slice(1);
}

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
