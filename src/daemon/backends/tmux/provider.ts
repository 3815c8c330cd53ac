import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import type { StatePaths } from '../../../shared/paths.js';
import { findExecutable } from '../../../shared/executables.js';
import type {
  AdoptOutcome,
  AdoptRequest,
  Backend,
  BackendEvents,
  BackendProvider,
  BackendState,
  SpawnRequest,
} from '../backend.js';
import { newMarkerText } from '../endMarker.js';
import { TmuxServer, type RunResult } from './server.js';
import { exitOf, type PaneState } from './panes.js';
import { TmuxPane, type TmuxStateRef } from './pane.js';
import { TerminalPane, readExitFile } from './terminalPane.js';
import { captureCommands, renderCapture } from './capture.js';
import { launchScript, markerBytes } from './launch.js';
import { rememberRecord, rememberedRecords } from './recovery.js';

export type TmuxStatus = { used: boolean; reason?: string; version?: string };

/** Sessions inside tmux sessions `kojo_<id>` on kojo's private server: they outlive the daemon. */
export class TmuxProvider implements BackendProvider {
  readonly kind = 'tmux';
  readonly outlivesDaemon = true;

  constructor(readonly server: TmuxServer) {}

  /** Runs one tmux command on kojo's server (for `kojo tmux` actions). */
  run(args: string[]): Promise<RunResult> {
    return this.server.run(args);
  }

  spawn(request: SpawnRequest, events: BackendEvents): { backend: Backend; state: BackendState } {
    const state: TmuxStateRef = { kind: 'tmux', session: `kojo_${request.sessionId}` };
    const name = state.session;
    const files = this.files(name);
    if (request.terminal) {
      const pane = new TerminalPane(this.server, {
        name,
        cols: request.cols,
        rows: request.rows,
        cwd: request.cwd,
        lang: request.env.LANG,
        exitFile: files.exit,
      });
      pane.ready = this.start(request, name, { exitFile: files.exit }).then(async ({ panePid }) => {
        await this.server.run(['set-option', '-t', name, 'mouse', 'on']);
        await this.server.run(['set-option', '-t', name, 'remain-on-exit', 'off']);
        pane.bind(events, panePid);
        await this.server.run(['wait-for', '-S', name]);
      });
      return { backend: pane, state };
    }
    const marker = newMarkerText();
    const pane = new TmuxPane(this.server, state, files.fifo, markerBytes(marker));
    pane.ready = (async () => {
      pane.openFifo();
      const { panePid } = await this.start(request, name, { marker });
      const piped = await this.server.run(['pipe-pane', '-o', '-t', name, pane.pipeCommand()]);
      if (!piped.ok) throw new Error(piped.stderr.trim() || 'tmux pipe-pane failed');
      pane.bind(events);
      await this.server.run(['wait-for', '-S', name]);
      pane.setPids(panePid);
      await pane.findProgram();
    })();
    // Adoption finds the marker again in the record.
    state.marker = marker;
    return { backend: pane, state };
  }

  /** The tmux session, its pane's shell waiting for our start signal. */
  private async start(
    request: SpawnRequest,
    name: string,
    extra: { marker?: string; exitFile?: string },
  ): Promise<{ panePid: number | undefined }> {
    const script = path.join(this.server.paths.fifoDir, `${name}.launch.sh`);
    const command = request.terminal ? [request.file, '-l'] : [request.file, ...request.args];
    const text = launchScript({
      tmux: [this.server.tmuxPath, '-S', this.server.paths.tmuxSocket],
      name,
      env: request.env,
      command,
      ...extra,
    });
    fs.writeFileSync(script, text, { mode: 0o700 });
    const created = await this.server.run([
      'new-session',
      '-d',
      '-P',
      '-F',
      '#{pane_pid}',
      '-s',
      name,
      '-x',
      String(request.cols),
      '-y',
      String(request.rows),
      '-c',
      request.cwd,
      '--',
      '/bin/sh',
      script,
    ]);
    if (!created.ok) {
      fs.rmSync(script, { force: true });
      throw new Error(created.stderr.trim() || 'tmux new-session failed');
    }
    const pid = Number(created.stdout.trim());
    return { panePid: Number.isInteger(pid) && pid > 0 ? pid : undefined };
  }

  async adopt(requests: AdoptRequest[], options: { cleanOrphans: boolean }): Promise<Map<string, AdoptOutcome>> {
    const outcomes = new Map<string, AdoptOutcome>();
    let listing = await this.server.listPanes();
    // tmux 3.3a may not have reaped a program that ended while we were away:
    // let it (run-shell true), and look again, before reading exit statuses.
    for (
      let tries = 0;
      tries < 20 && listing.kind === 'ok' && [...listing.panes.values()].some((p) => p.dead && !exitOf(p));
      tries++
    ) {
      await this.server.run(['run-shell', 'true']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      listing = await this.server.listPanes();
    }
    if (listing.kind === 'error') {
      // Nothing is known: lose nothing either. They stay "running" until a listing says otherwise.
      this.server.log(`cannot list tmux sessions (${listing.message}); adopting blind`);
    }
    const panes = listing.kind === 'ok' ? listing.panes : new Map<string, PaneState>();
    if (options.cleanOrphans && listing.kind === 'ok') await this.removeOrphans(requests, panes);
    for (const request of requests) {
      if (request.state.kind !== 'tmux') continue;
      try {
        outcomes.set(
          request.id,
          await this.adoptOne(
            request,
            request.state,
            listing.kind === 'error' ? 'unknown' : panes.get(request.state.session),
          ),
        );
      } catch (error) {
        this.server.log(`cannot adopt ${request.id}: ${(error as Error).message}`);
        outcomes.set(request.id, { kind: 'lost' });
      }
    }
    return outcomes;
  }

  private async adoptOne(
    request: AdoptRequest,
    state: TmuxStateRef,
    pane: PaneState | undefined | 'unknown',
  ): Promise<AdoptOutcome> {
    const name = state.session;
    const files = this.files(name);
    if (pane === undefined) {
      const exit = request.terminal ? readExitFile(files.exit) : undefined;
      return exit
        ? { kind: 'exited', code: exit.code, signal: exit.signal, output: Buffer.alloc(0) }
        : { kind: 'lost' };
    }
    const exit = pane === 'unknown' ? undefined : exitOf(pane);
    if (exit) {
      // It ended while no daemon watched: tmux kept its status and screen.
      const captured = await this.server.run(captureCommands(name));
      await this.server.run(['kill-session', '-t', name]);
      return {
        kind: 'exited',
        code: exit.code,
        signal: exit.signal,
        output: captured.ok ? renderCapture(captured.stdout) : Buffer.alloc(0),
      };
    }
    const panePid = pane === 'unknown' ? undefined : pane.pid;
    if (request.terminal) {
      const terminal = new TerminalPane(this.server, {
        name,
        cols: request.cols,
        rows: request.rows,
        cwd: request.cwd,
        lang: undefined,
        exitFile: files.exit,
      });
      return { kind: 'running', seed: Buffer.alloc(0), connect: (events) => terminal.bind(events, panePid) };
    }
    const backend = new TmuxPane(this.server, state, files.fifo, markerBytes(state.marker ?? newMarkerText()));
    backend.openFifo();
    // In one command list, so tmux reads no pane output in between: the new
    // pipe starts exactly where the captured screen ends (no line lost, none twice).
    const captured = await this.server.run([
      'pipe-pane',
      '-t',
      name,
      ';',
      'pipe-pane',
      '-o',
      '-t',
      name,
      backend.pipeCommand(),
      ';',
      'resize-window',
      '-t',
      name,
      '-x',
      String(request.cols),
      '-y',
      String(request.rows),
      ';',
      ...captureCommands(name),
    ]);
    if (!captured.ok) throw new Error(captured.stderr.trim() || 'tmux pipe-pane failed');
    backend.setPids(panePid);
    const held = Buffer.from(state.heldModes ?? '', 'latin1');
    delete state.heldModes;
    this.server.log(`adopted ${request.id} (${name}${pane !== 'unknown' && pane.dead ? ', pane dead' : ''})`);
    return {
      kind: 'running',
      seed: Buffer.concat([renderCapture(captured.stdout), held]),
      connect: (events) => backend.bind(events),
    };
  }

  private async removeOrphans(requests: AdoptRequest[], panes: Map<string, PaneState>): Promise<void> {
    const known = new Set(requests.map((r) => (r.state.kind === 'tmux' ? r.state.session : '')));
    for (const name of panes.keys()) {
      if (name.startsWith('kojo_') && !known.has(name)) {
        this.server.log(`killing orphan tmux session ${name}`);
        await this.server.run(['kill-session', '-t', name]);
      }
    }
    const keep = new Set([...known].map((name) => this.files(name).exit));
    for (const file of fs.readdirSync(this.server.paths.fifoDir)) {
      const full = path.join(this.server.paths.fifoDir, file);
      if (!keep.has(full)) fs.rmSync(full, { force: true });
    }
  }

  /** Keep a session's stored record in tmux too: the way back if the store is lost. */
  remember(state: BackendState, text: string): void {
    if (state.kind === 'tmux') void rememberRecord(this.server, state.session, text);
  }

  /** The records kept in tmux, for a daemon whose store could not be read. */
  remembered(): Promise<string[]> {
    return rememberedRecords(this.server);
  }

  /** A dead pane may still hold the name. */
  async release(state: BackendState): Promise<void> {
    if (state.kind === 'tmux') await this.server.run(['kill-session', '-t', state.session]);
  }

  /** Stop watching at shutdown; the server and its sessions stay for the next daemon. */
  close(): void {
    this.server.close();
  }

  private files(name: string): { fifo: string; exit: string } {
    const dir = this.server.paths.fifoDir;
    // A fresh FIFO name per daemon: a pipe left by an earlier one can never write into ours.
    return {
      fifo: path.join(dir, `${name}-${randomBytes(4).toString('hex')}.fifo`),
      exit: path.join(dir, `${name}.exit`),
    };
  }
}

/** tmux when it can be used; else why not. */
export async function detectTmux(
  paths: StatePaths,
  log: (message: string) => void,
): Promise<{ provider: TmuxProvider | undefined; status: TmuxStatus }> {
  if (process.platform === 'win32')
    return { provider: undefined, status: { used: false, reason: 'tmux is not available on Windows' } };
  if (process.env.KOJO_TMUX === '0')
    return { provider: undefined, status: { used: false, reason: 'turned off by KOJO_TMUX=0' } };
  const tmuxPath = findExecutable('tmux', process.env.PATH, '/');
  if (!tmuxPath) return { provider: undefined, status: { used: false, reason: 'tmux is not installed' } };
  const probe = await execa(tmuxPath, ['-V'], { reject: false });
  if (probe.exitCode !== 0) return { provider: undefined, status: { used: false, reason: `${tmuxPath} -V failed` } };
  const server = new TmuxServer(tmuxPath, paths, log);
  await server.start();
  return { provider: new TmuxProvider(server), status: { used: true, version: probe.stdout.trim() } };
}
