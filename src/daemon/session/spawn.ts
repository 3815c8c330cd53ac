// How a session's program comes to run: the record `kojo new` builds (tool,
// program, environment), the arguments it launches with (plus the hooks kojo
// listens on), and the factory that spawns it in a backend. Create and
// restart share the last two.
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { newSessionId } from '../../shared/ids.js';
import { type CreateParams } from '../../shared/protocol/requests.js';
import { TOOL_EXECUTABLE, TOOL_NAMES, type ToolName } from '../../shared/protocol/session.js';
import { findExecutable } from '../../shared/executables.js';
import { statePaths } from '../../shared/paths.js';
import type { BackendProvider, BackendState } from '../backends/backend.js';
import type { Config } from '../config.js';
import { TOOLS, isToolName, toolArgs } from '../agents/tools.js';
import { launchArgs } from '../agents/launch.js';
import { checkWorkDir, loginShell, sessionEnv } from './programEnv.js';
import { processEnv } from '../../shared/processEnv.js';
import type { SessionRecord } from './record.js';
import type { BackendFactory } from './session.js';

const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;

export interface NewRecord {
  record: SessionRecord;
  /** The tool's arguments for its first start. */
  args: string[];
  /** The program as named (for messages). */
  program: string;
}

export interface NewRecordContext {
  config: Config;
  /** The backend kind it will run in. */
  backend: BackendProvider['kind'];
  /** Throws when the name breaks the rule or is taken. */
  checkName(name: string): void;
}

/** A new session's record from `session.create`'s params; throws before anything is started. */
export function newRecord(
  params: CreateParams,
  extra: { internal?: boolean; parentId?: string },
  context: NewRecordContext,
): NewRecord {
  if (!isToolName(params.tool)) {
    throw new KojoError(
      ErrorCode.UnsupportedTool,
      `unsupported tool: ${params.tool} (supported: ${TOOL_NAMES.join(', ')})`,
    );
  }
  const tool: ToolName = params.tool;
  // A caller on another machine sends neither: this machine's home and environment.
  const workDir = path.resolve(os.homedir(), params.cwd ?? '.');
  const callerEnv = params.env ?? processEnv();
  checkWorkDir(workDir);
  if (params.name !== undefined) context.checkName(params.name);
  const spec = TOOLS[tool];
  const id = newSessionId();
  const env = sessionEnv(callerEnv, id, params.name);
  const baseUrl = params.baseUrl ?? context.config.get('custom-base-url');
  Object.assign(env, spec.env?.({ baseUrl, env: callerEnv }));
  for (const name of spec.dropEnv ?? []) delete env[name];

  const args = params.args;
  let program: string;
  if (spec.terminal) {
    if (args.length > 0) {
      throw new KojoError(
        ErrorCode.InvalidParams,
        `the ${tool} tool opens your login shell and takes no arguments; to run a program: kojo new exec -- ${args.join(' ')}`,
      );
    }
    program = loginShell(env);
  } else if (TOOL_EXECUTABLE[tool]) {
    program = TOOL_EXECUTABLE[tool];
  } else {
    if (args.length === 0) {
      throw new KojoError(ErrorCode.InvalidParams, 'exec needs a program: kojo new exec -- PROGRAM [ARGS...]');
    }
    program = args[0]!;
  }
  const command = findExecutable(program, env.PATH, workDir);
  if (!command) throw new KojoError(ErrorCode.ToolNotFound, `tool not found: ${program}`);

  const start = spec.startArgs(toolArgs(tool, args));
  const record: SessionRecord = {
    id,
    tool,
    workDir,
    args,
    command,
    env,
    status: 'running',
    yoloMode: params.yolo ?? false,
    approvals: [],
    createdAt: new Date().toISOString(),
    lastCols: params.cols ?? DEFAULT_COLS,
    lastRows: params.rows ?? DEFAULT_ROWS,
    attachments: [],
    backend: { kind: context.backend } as BackendState,
  };
  if (params.name !== undefined) record.name = params.name;
  if (start.toolSessionId) record.toolSessionId = start.toolSessionId;
  if (extra.internal) record.internal = true;
  if (extra.parentId) record.parentId = extra.parentId;
  if (tool === 'custom') record.baseUrl = baseUrl;
  return { record, args: start.args, program };
}

/** The arguments the tool runs with: the given ones plus the hooks kojo listens on. */
export function withHooks(record: SessionRecord, args: string[], log: (message: string) => void): string[] {
  const paths = statePaths();
  return launchArgs(record, args, { socket: paths.socket, runDir: paths.runDir, log });
}

/** Spawns a session's program in this provider; the record keeps the backend's state. */
export function backendFactory(provider: BackendProvider): BackendFactory {
  return (session, args, events) => {
    const { record } = session;
    const { backend, state } = provider.spawn(
      {
        sessionId: record.id,
        file: record.command,
        args,
        cwd: record.workDir,
        env: record.env,
        cols: record.lastCols,
        rows: record.lastRows,
        terminal: TOOLS[record.tool].terminal ?? false,
      },
      events,
    );
    record.backend = state;
    return backend;
  };
}
