import fs from 'node:fs';
import os from 'node:os';
import { EventEmitter } from 'node:events';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { newSessionId, isSessionId } from '../../shared/ids.js';
import { TOOL_EXECUTABLE, TOOL_NAMES, type CreateParams, type ToolName } from '../../shared/protocol.js';
import { findExecutable } from '../../shared/executables.js';
import type { TmuxServer } from '../backends/tmux/server.js';
import type { EmulatorHost } from '../emulator/host.js';
import { PtyBackend } from '../backends/pty.js';
import { Session, type BackendFactory, type SessionRecord } from './session.js';
import type { Store } from './store.js';
import type { Config } from '../config.js';
import { TOOLS, isToolName, toolArgs } from '../agents/tools.js';
import { statePaths } from '../../shared/paths.js';
import type { HookParams, HookResult, StateEvent } from '../../shared/protocol.js';
import { launchArgs } from '../agents/launch.js';
import { restartToolSessionId } from '../agents/restartId.js';
import { runNotifyCommand } from '../agents/attention/notify.js';
import type { AgentOptions } from '../agents/detectorList.js';

const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;

export interface ManagerOptions {
  store: Store;
  config: Config;
  emulator: EmulatorHost;
  /** Present when sessions run inside tmux. */
  tmux: TmuxServer | undefined;
  log: (message: string) => void;
}

/** Every session of this daemon: creation, lookup, lifecycle, persistence. */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private saveScheduled = false;
  private saving = true;
  /** Agent state changes of every session (`kojo events`). */
  readonly states = new EventEmitter<{ state: [StateEvent] }>();
  private readonly agentOptions: AgentOptions = {
    idleAfterMs: () => Number(this.options.config.get('idle-after')) * 1000,
    hookContext: () => ({ denyRule: this.options.config.get('yolo-deny'), log: (m) => this.log(m) }),
  };

  constructor(private readonly options: ManagerOptions) {
    this.states.setMaxListeners(0);
  }

  // --- lookup -------------------------------------------------------------

  list(all: boolean): Session[] {
    return [...this.sessions.values()]
      .filter((s) => all || !s.record.internal)
      .sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt));
  }

  get count(): number {
    return this.sessions.size;
  }

  /** Full ID, name, or a unique ID prefix (with or without `s_`). */
  resolve(ref: string): Session {
    const exact = this.sessions.get(ref);
    if (exact) return exact;
    for (const session of this.sessions.values()) if (session.record.name === ref) return session;
    const prefix = ref.startsWith('s_') ? ref : `s_${ref}`;
    const matches = /^s_[0-9a-f]*$/.test(prefix)
      ? [...this.sessions.values()].filter((s) => s.id.startsWith(prefix))
      : [];
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const names = matches.map((s) => (s.record.name ? `${s.id} (${s.record.name})` : s.id)).join(', ');
      throw new KojoError(ErrorCode.AmbiguousSession, `ambiguous session "${ref}": matches ${names}`);
    }
    throw new KojoError(ErrorCode.SessionNotFound, `session not found: ${ref}`);
  }

  // --- create / restart ---------------------------------------------------

  async create(params: CreateParams, extra: { internal?: boolean; parentId?: string } = {}): Promise<Session> {
    if (!isToolName(params.tool)) {
      throw new KojoError(
        ErrorCode.UnsupportedTool,
        `unsupported tool: ${params.tool} (supported: ${TOOL_NAMES.join(', ')})`,
      );
    }
    const tool: ToolName = params.tool;
    checkWorkDir(params.cwd);
    if (params.name !== undefined) this.checkName(params.name);
    const spec = TOOLS[tool];
    const env = { ...params.env };
    if (!env.TERM) env.TERM = 'xterm-256color';
    const baseUrl = params.baseUrl ?? this.options.config.get('custom-base-url');
    Object.assign(env, spec.env?.({ baseUrl, env: params.env }));
    for (const name of spec.dropEnv ?? []) delete env[name];

    const args = params.args;
    let program: string;
    if (spec.terminal) {
      program = loginShell(env);
    } else if (TOOL_EXECUTABLE[tool]) {
      program = TOOL_EXECUTABLE[tool];
    } else {
      if (args.length === 0) {
        throw new KojoError(ErrorCode.InvalidParams, 'exec needs a program: kojo new exec -- PROGRAM [ARGS...]');
      }
      program = args[0]!;
    }
    const command = findExecutable(program, env.PATH, params.cwd);
    if (!command) throw new KojoError(ErrorCode.ToolNotFound, `tool not found: ${program}`);

    const start = spec.startArgs(toolArgs(tool, args));
    const id = newSessionId();
    // How the agent's hooks find their session (SPEC §10).
    env.KOJO_SESSION_ID = id;
    const record: SessionRecord = {
      id,
      tool,
      workDir: params.cwd,
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
    };
    if (params.name !== undefined) record.name = params.name;
    if (start.toolSessionId) record.toolSessionId = start.toolSessionId;
    if (extra.internal) record.internal = true;
    if (extra.parentId) record.parentId = extra.parentId;
    if (tool === 'custom') record.baseUrl = baseUrl;
    const useTmux = this.options.tmux !== undefined && !params.direct;
    if (useTmux) record.tmuxSessionName = `kojo_${id}`;
    const session = this.add(record);
    try {
      await session.start(this.backendFactory(), this.launch(record, start.args));
    } catch (error) {
      this.sessions.delete(id);
      throw new KojoError(ErrorCode.SpawnFailed, `cannot start ${program}: ${(error as Error).message}`);
    }
    this.log(`created ${id} (${tool}: ${command})`);
    this.scheduleSave();
    return session;
  }

  async restart(ref: string): Promise<Session> {
    const session = this.resolve(ref);
    if (session.running) throw new KojoError(ErrorCode.SessionRunning, 'session is still running');
    const { record } = session;
    const spec = TOOLS[record.tool];
    checkWorkDir(record.workDir);
    if (record.tmuxSessionName) {
      if (!this.options.tmux)
        throw new KojoError(ErrorCode.SpawnFailed, 'this session ran in tmux, which is not available now');
      // A dead pane may still hold the name.
      await this.options.tmux.run(['kill-session', '-t', record.tmuxSessionName]);
    }
    // Resume a conversation by id only when the tool still has it.
    const resumeId = restartToolSessionId(record);
    if (resumeId) record.toolSessionId = resumeId;
    else delete record.toolSessionId;
    try {
      await session.start(
        this.backendFactory(),
        this.launch(record, spec.restartArgs(toolArgs(record.tool, record.args), resumeId)),
      );
    } catch (error) {
      session.markLost();
      throw new KojoError(ErrorCode.SpawnFailed, `cannot restart ${record.command}: ${(error as Error).message}`);
    }
    this.log(`restarted ${session.id}`);
    this.scheduleSave();
    return session;
  }

  /** The arguments the tool runs with: the given ones plus the hooks kojo listens on. */
  private launch(record: SessionRecord, args: string[]): string[] {
    const paths = statePaths();
    return launchArgs(record, args, { socket: paths.socket, runDir: paths.runDir, log: (m) => this.log(m) });
  }

  private backendFactory(): BackendFactory {
    return (session, args, events) => {
      const { record } = session;
      const terminal = TOOLS[record.tool].terminal ?? false;
      if (record.tmuxSessionName && this.options.tmux) {
        return this.options.tmux.spawn(record, args, events, terminal);
      }
      return new PtyBackend(
        {
          file: record.command,
          args: terminal ? ['-l'] : args,
          cwd: record.workDir,
          env: record.env,
          cols: record.lastCols,
          rows: record.lastRows,
        },
        events,
      );
    };
  }

  /** A call from an agent's hooks; an unknown session is logged and ignored, never an error. */
  hook(params: HookParams): HookResult {
    const session = this.sessions.get(params.session);
    if (!session) {
      this.log(`hook from unknown session ${params.session} ignored`);
      return {};
    }
    return session.hook(params.source, params.event);
  }

  // --- stop / remove ------------------------------------------------------

  async stop(ref: string): Promise<Session> {
    const session = this.resolve(ref);
    if (!session.running) throw new KojoError(ErrorCode.SessionNotRunning, 'session not running');
    await session.stop();
    return session;
  }

  async remove(ref: string, force: boolean): Promise<Session> {
    const session = this.resolve(ref);
    const children = this.childrenOf(session.id);
    if (session.running) {
      if (!force) throw new KojoError(ErrorCode.SessionRunning, 'session is still running');
      await Promise.all([session.stop(), ...children.map((c) => c.stop())]);
    }
    if (children.some((c) => c.running)) {
      if (!force) throw new KojoError(ErrorCode.HasRunningChildren, 'cannot remove session with running children');
      await Promise.all(children.map((c) => c.stop()));
    }
    for (const child of children) this.sessions.delete(child.id);
    this.sessions.delete(session.id);
    this.log(`removed ${session.id}`);
    this.scheduleSave();
    return session;
  }

  childrenOf(id: string): Session[] {
    return [...this.sessions.values()].filter((s) => s.record.parentId === id);
  }

  /** Restore sessions from the store; returns those whose program must be looked at. */
  load(records: SessionRecord[]): Session[] {
    return records.map((record) => this.add(record));
  }

  add(record: SessionRecord): Session {
    const session = new Session(record, this.options.emulator, this.agentOptions);
    this.sessions.set(record.id, session);
    session.agent.on('state', (event) => {
      this.states.emit('state', event);
      if (event.attention) runNotifyCommand(this.options.config.get('notify-command'), event, (m) => this.log(m));
    });
    session.on('change', () => this.scheduleSave());
    session.on('exit', (info) => {
      this.log(`${info.id} exited (${info.exitSignal ?? `code ${info.exitCode ?? '?'}`})`);
      // A terminal next to an agent goes when the agent does.
      for (const child of this.childrenOf(info.id)) if (child.running) void child.stop();
    });
    return session;
  }

  /** At shutdown: direct sessions end, tmux-backed ones keep running for the next daemon. */
  async shutdown(): Promise<void> {
    const running = [...this.sessions.values()].filter((s) => s.running);
    await Promise.all(running.map((s) => (s.record.tmuxSessionName ? s.leaveRunning() : s.stop())));
    this.saveNow();
    this.saving = false;
  }

  // --- persistence --------------------------------------------------------

  scheduleSave(): void {
    if (this.saveScheduled || !this.saving) return;
    this.saveScheduled = true;
    setImmediate(() => {
      this.saveScheduled = false;
      if (this.saving) this.saveNow();
    });
  }

  saveNow(): void {
    try {
      this.options.store.save([...this.sessions.values()].map((s) => s.record));
    } catch (error) {
      this.log(`cannot save the store: ${(error as Error).message}`);
    }
  }

  private checkName(name: string): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || isSessionId(name)) {
      throw new KojoError(
        ErrorCode.InvalidParams,
        `invalid name "${name}": use letters, digits, '.', '_' or '-' (at most 64)`,
      );
    }
    for (const session of this.sessions.values()) {
      if (session.record.name === name) {
        throw new KojoError(ErrorCode.NameTaken, `name already in use: ${name} (${session.id})`);
      }
    }
  }

  private log(message: string): void {
    this.options.log(message);
  }
}

function checkWorkDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new KojoError(ErrorCode.BadWorkDir, `no such directory: ${dir}`);
  }
  if (!stat.isDirectory()) throw new KojoError(ErrorCode.BadWorkDir, `not a directory: ${dir}`);
}

function loginShell(env: Record<string, string>): string {
  return env.SHELL || os.userInfo().shell || '/bin/sh';
}
