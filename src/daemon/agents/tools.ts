import { randomUUID } from 'node:crypto';
import { TOOL_EXECUTABLE, TOOL_NAMES, type ToolName } from '../../shared/protocol.js';

export const DEFAULT_CUSTOM_BASE_URL = 'http://localhost:8080';

/** What kojo knows about one tool; adding a tool is one entry in TOOLS. */
export interface ToolSpec {
  /** Arguments for a fresh start, and the tool session id they fix, if any. */
  startArgs(args: string[]): { args: string[]; toolSessionId?: string };
  /** Arguments for `kojo restart`, from the original ones. */
  restartArgs(args: string[], toolSessionId: string | undefined): string[];
  /** Extra environment. */
  env?(context: { baseUrl: string }): Record<string, string>;
  /** Read the tool's session id from its output (codex). */
  capturesSessionId?: boolean;
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

function claudeSessionId(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--session-id' && i + 1 < args.length) return args[i + 1];
    if (arg.startsWith('--session-id=')) return arg.slice('--session-id='.length);
  }
  return undefined;
}

const claude: ToolSpec = {
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
    env: ({ baseUrl }) => ({ ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: 'dummy' }),
  },
  codex: {
    startArgs: unchanged,
    restartArgs: (args, id) => (id ? ['resume', id, ...args] : ['resume', '--last', ...args]),
    capturesSessionId: true,
  },
  gemini: {
    startArgs: unchanged,
    restartArgs: (args) => [...dropOption(args, ['--resume', '-r'], true), '--resume', 'latest'],
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
