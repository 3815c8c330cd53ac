import { EventEmitter } from 'node:events';
import { ErrorCode, KojoError } from '../../shared/errors.js';
import type { HookResult } from '../../shared/protocol/agent.js';
import type { CreateParams, HookParams } from '../../shared/protocol/requests.js';
import type { StateEvent } from '../../shared/protocol/session.js';
import type { EmulatorHost } from '../emulator/host.js';
import type { BackendProvider, BackendState } from '../backends/backend.js';
import type { PtyProvider } from '../backends/ptyProvider.js';
import type { TmuxProvider } from '../backends/tmux/provider.js';
import type { Config } from '../config.js';
import { TOOLS, isToolName, toolArgs } from '../agents/tools.js';
import { restartToolSessionId } from '../agents/restartId.js';
import { runNotifyCommand } from '../agents/attention/notify.js';
import type { AgentOptions } from '../agents/detectorList.js';
import { adoptSessions } from './adoption.js';
import { checkWorkDir } from './programEnv.js';
import { secretsOf } from './secrets.js';
import type { OutputLogs } from './outputLog.js';
import type { Store } from './store.js';
import { Session } from './session.js';
import type { SessionRecord } from './record.js';
import { checkName, findSession } from './naming.js';
import { backendFactory, newRecord, withHooks } from './spawn.js';

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
    return findSession(this.sessions, ref);
  }

  // --- create / restart ---------------------------------------------------

  async create(params: CreateParams, extra: { internal?: boolean; parentId?: string } = {}): Promise<Session> {
    const provider = this.options.tmux && !params.direct ? this.options.tmux : this.options.pty;
    const { record, args, program } = newRecord(params, extra, {
      config: this.options.config,
      backend: provider.kind,
      checkName: (name) => checkName(name, this.sessions.values()),
    });
    const { id } = record;
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
      await session.start(backendFactory(provider), this.launch(record, args));
    } catch (error) {
      this.sessions.delete(id);
      this.scheduleSave();
      throw new KojoError(ErrorCode.SpawnFailed, `cannot start ${program}: ${(error as Error).message}`);
    }
    this.log(`created ${id} (${record.tool}: ${record.command})`);
    this.scheduleSave();
    this.options.tmux?.remember(record.backend, this.options.store.serialize(record));
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
        backendFactory(provider),
        this.launch(record, spec.restartArgs(toolArgs(record.tool, record.args), resumeId)),
      );
    } catch (error) {
      session.markLost();
      throw new KojoError(ErrorCode.SpawnFailed, `cannot restart ${record.command}: ${(error as Error).message}`);
    }
    this.log(`restarted ${session.id}`);
    this.options.tmux?.remember(record.backend, this.options.store.serialize(record));
    this.scheduleSave();
    return session;
  }

  /** The arguments the tool runs with: the given ones plus the hooks kojo listens on. */
  private launch(record: SessionRecord, args: string[]): string[] {
    return withHooks(record, args, (m) => this.log(m));
  }

  private providerOf(state: BackendState): BackendProvider | undefined {
    return state.kind === 'tmux' ? this.options.tmux : this.options.pty;
  }

  /** Sessions stored as running, found again by the provider that holds them (see adoption.ts). */
  adopt(sessions: Session[], options: { cleanOrphans: boolean }): Promise<void> {
    const providers: BackendProvider[] = this.options.tmux ? [this.options.pty, this.options.tmux] : [this.options.pty];
    return adoptSessions(providers, sessions, options, (message) => this.log(message));
  }

  /** A call from an agent's hooks; an unknown session or a malformed event is logged and ignored, never an error. */
  hook(params: HookParams): HookResult {
    const session = this.sessions.get(params.session);
    if (!session) {
      this.log(`hook from unknown session ${params.session} ignored`);
      return {};
    }
    if (params.malformed !== undefined) {
      this.log(`malformed ${params.source} hook event from ${session.id} ignored: ${JSON.stringify(params.malformed)}`);
      return {};
    }
    return session.detection.hook(params.source, params.event);
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

  private log(message: string): void {
    this.options.log(message);
  }
}
