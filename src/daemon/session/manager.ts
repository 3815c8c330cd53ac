import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import { newSessionId, isSessionId } from '../../shared/ids.js';
import { TOOL_EXECUTABLE, TOOL_NAMES, type CreateParams, type ToolName } from '../../shared/protocol.js';
import { findExecutable } from '../../shared/executables.js';
import type { EmulatorHost } from '../emulator/host.js';
import type { BackendProvider, BackendState } from '../backends/backend.js';
import { adoptSessions } from './adoption.js';
import { checkWorkDir, daemonEnv, loginShell, sessionEnv } from './programEnv.js';
import type { PtyProvider } from '../backends/ptyProvider.js';
import type { TmuxProvider } from '../backends/tmux/provider.js';
import { Session, type BackendFactory, type SessionRecord } from './session.js';
import type { Store } from './store.js';
import type { Config } from '../config.js';
import { TOOLS, isToolName, toolArgs } from '../agents/tools.js';
import { secretsOf } from './secrets.js';
import type { OutputLogs } from './outputLog.js';
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
  pty: PtyProvider;
  /** Present when sessions run inside tmux. */
  tmux: TmuxProvider | undefined;
  log: (message: string) => void;
  /** Config `output-log`: session output on disk. */
  outputLogs?: OutputLogs;
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
    // A caller on another machine sends neither: this machine's home and environment.
    const workDir = path.resolve(os.homedir(), params.cwd ?? '.');
    const callerEnv = params.env ?? daemonEnv();
    checkWorkDir(workDir);
    if (params.name !== undefined) this.checkName(params.name);
    const spec = TOOLS[tool];
    const id = newSessionId();
    const env = sessionEnv(callerEnv, id, params.name);
    const baseUrl = params.baseUrl ?? this.options.config.get('custom-base-url');
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
    const provider = this.options.tmux && !params.direct ? this.options.tmux : this.options.pty;
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
      backend: { kind: provider.kind } as BackendState,
    };
    if (params.name !== undefined) record.name = params.name;
    if (start.toolSessionId) record.toolSessionId = start.toolSessionId;
    if (extra.internal) record.internal = true;
    if (extra.parentId) record.parentId = extra.parentId;
    if (tool === 'custom') record.baseUrl = baseUrl;
    const session = this.add(record);
    // Stored before it starts (and before the caller hears of it): an
    // acknowledged session is never missing after a crash, and one that
    // cannot be stored is never started.
    try {
      this.saveOrThrow();
    } catch (error) {
      this.sessions.delete(id);
      throw error;
    }
    try {
      await session.start(this.backendFactory(provider), this.launch(record, start.args));
    } catch (error) {
      this.sessions.delete(id);
      this.scheduleSave();
      throw new KojoError(ErrorCode.SpawnFailed, `cannot start ${program}: ${(error as Error).message}`);
    }
    this.log(`created ${id} (${tool}: ${command})`);
    this.scheduleSave();
    return session;
  }

  /** `callerEnv`: the restarting shell's environment, the source of secrets the store does not keep. */
  async restart(ref: string, callerEnv: Record<string, string> = {}): Promise<Session> {
    const session = this.resolve(ref);
    if (session.running) throw new KojoError(ErrorCode.SessionRunning, 'session is still running');
    const { record } = session;
    if (!isToolName(record.tool)) {
      throw new KojoError(ErrorCode.SpawnFailed, `unknown tool ${String(record.tool)} in the store`);
    }
    const spec = TOOLS[record.tool];
    checkWorkDir(record.workDir);
    Object.assign(record.env, secretsOf(callerEnv), spec.env?.({ baseUrl: record.baseUrl ?? '', env: record.env }));
    for (const name of spec.dropEnv ?? []) delete record.env[name];
    const provider = this.providerOf(record.backend);
    if (!provider) throw new KojoError(ErrorCode.SpawnFailed, 'this session ran in tmux, which is not available now');
    await provider.release(record.backend);
    // Resume a conversation by id only when the tool still has it.
    const resumeId = restartToolSessionId(record);
    if (resumeId) record.toolSessionId = resumeId;
    else delete record.toolSessionId;
    try {
      await session.start(
        this.backendFactory(provider),
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

  private backendFactory(provider: BackendProvider): BackendFactory {
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

  private providerOf(state: BackendState): BackendProvider | undefined {
    return state.kind === 'tmux' ? this.options.tmux : this.options.pty;
  }

  /** Sessions stored as running, found again by the provider that holds them (see adoption.ts). */
  adopt(sessions: Session[], options: { cleanOrphans: boolean }): Promise<void> {
    const providers: BackendProvider[] = this.options.tmux ? [this.options.pty, this.options.tmux] : [this.options.pty];
    return adoptSessions(providers, sessions, options, (message) => this.log(message));
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

  /** Stopping an exited session succeeds and does nothing, as `docker stop` does. */
  async stop(ref: string): Promise<Session> {
    const session = this.resolve(ref);
    if (!session.running) return session;
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
    for (const gone of [session, ...children]) this.options.outputLogs?.remove(gone.id);
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
    this.options.outputLogs?.follow(session);
    session.on('exit', (info) => {
      this.log(`${info.id} exited (${info.exitSignal ?? `code ${info.exitCode ?? '?'}`})`);
      // A terminal next to an agent goes when the agent does.
      for (const child of this.childrenOf(info.id)) if (child.running) void child.stop();
    });
    return session;
  }

  /** At shutdown: sessions whose provider outlives the daemon keep running for the next one; the rest end. */
  async shutdown(): Promise<void> {
    const running = [...this.sessions.values()].filter((s) => s.running);
    await Promise.all(
      running.map((s) => (this.providerOf(s.record.backend)?.outlivesDaemon ? s.leaveRunning() : s.stop())),
    );
    this.options.tmux?.close();
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
      this.saveOrThrow();
    } catch (error) {
      this.log((error as Error).message);
    }
  }

  /** Why the last save failed, while it does (the last good file is kept meanwhile). */
  saveProblem: string | undefined;

  private saveOrThrow(): void {
    try {
      this.options.store.save([...this.sessions.values()].map((s) => s.record));
      this.saveProblem = undefined;
    } catch (error) {
      this.saveProblem = (error as Error).message;
      throw error;
    }
  }

  /**
   * The one rule for names, whatever their length: 1–64 of letters, digits,
   * '.', '_', '-', starting with a letter or digit, and not `s_` + hex, which
   * reads as an ID or an ID prefix and would shadow real sessions.
   */
  private checkName(name: string): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || /^s_[0-9a-f]/i.test(name) || isSessionId(name)) {
      const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
      throw new KojoError(
        ErrorCode.InvalidParams,
        `invalid name ${shown}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, and not s_ followed by hex (that reads as a session ID)`,
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
