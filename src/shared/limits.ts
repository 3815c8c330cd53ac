// Every flow-control and size limit, named once (VS Code's pty host keeps
// these in one shared module too). CLI and daemon both read them from here.

/** Largest JSON-RPC line accepted on the control socket. */
export const MAX_CONTROL_FRAME_BYTES = 1024 * 1024;
/** Largest input frame an attached client may send (a paste). */
export const MAX_ATTACH_FRAME_BYTES = 1024 * 1024;
/** Raw scrollback ring per session; allocated as it fills. */
export const SCROLLBACK_RING_BYTES = 1024 * 1024;
/** Tail of output kept as lastOutput once a session exits. */
export const LAST_OUTPUT_BYTES = 8 * 1024;
/**
 * Flow control. When every attached terminal is more than the high watermark
 * behind (bytes the daemon holds for it), the session stops reading its
 * program's output; it reads again once one is back under the low watermark.
 */
export const ATTACH_HIGH_WATERMARK_BYTES = 1024 * 1024;
export const ATTACH_LOW_WATERMARK_BYTES = 256 * 1024;
/** The most output one coalesced frame carries. */
export const ATTACH_FRAME_MAX_BYTES = 256 * 1024;
/** A terminal behind that long without reading no longer holds the session back. */
export const ATTACH_STALL_MS = 2000;
/** Hard bound: a terminal this far behind is resynchronised from the emulated screen. */
export const ATTACHER_QUEUE_BYTES = 2 * 1024 * 1024;
/**
 * The same for a raw attacher (`kojo attach s > file`): a byte stream, not a
 * screen, so it is given far more room; past it, it is dropped (a screen
 * spliced into its bytes would corrupt them).
 */
export const RAW_ATTACHER_QUEUE_BYTES = 64 * 1024 * 1024;
/**
 * Node flags the daemon runs with (autostarted and as a service): V8's young
 * generation grows to tens of MiB by default, which a daemon of mostly idle
 * sessions never needs back; a small one costs a few more quick collections.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=2'];
/** The same bound for the emulator thread (its young generation, in MiB). */
export const EMULATOR_YOUNG_GENERATION_MIB = 4;
/** Bytes handed to the emulator thread and not yet parsed before it stands aside. */
export const EMULATOR_BACKLOG_BYTES = 256 * 1024;
/** A pause in output this long lets an emulator that stood aside catch up. */
export const EMULATOR_QUIET_MS = 100;
/** Scrollback lines replayed above the screen on attach. */
export const REPLAY_SCROLLBACK_LINES = 1000;
/** Grace between SIGTERM and SIGKILL when stopping a session. */
export const STOP_GRACE_MS = 5000;
/** Exited sessions older than this are dropped when the store loads. */
export const EXITED_SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a CLI waits for an autostarted daemon to answer. */
export const DAEMON_START_TIMEOUT_MS = 10_000;
/** Trailing output kept for the yolo prompt detector. */
export const YOLO_TAIL_BYTES = 4 * 1024;
/** Trailing output scanned for media paths. */
export const ATTACHMENT_TAIL_BYTES = 8 * 1024;
/** Delay before yolo answers a prompt. */
export const YOLO_RESPONSE_DELAY_MS = 100;
/** An agent with hooks that has not called one this long after starting is watched by its screen. */
export const HOOK_SILENCE_MS = 15_000;
/** How much of a malformed hook event `kojo hook` passes on, for the daemon's log. */
export const MALFORMED_HOOK_EXCERPT_CHARS = 200;
/** The most a `kojo hook` call takes, the daemon down or slow: the agent waits for it. */
export const HOOK_CALL_TIMEOUT_MS = 3000;

/**
 * Diagnostics for `npm run bench`: KOJO_DISABLE=emulator,detectors turns those
 * parts off in a daemon, so that their cost can be measured.
 */
export function disabled(part: 'emulator' | 'detectors', env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.KOJO_DISABLE ?? '').split(',').includes(part);
}

/** The largest terminal kojo accepts, each way: a bigger one could exhaust the emulator's memory. */
export const MAX_TERMINAL_COLS = 1000;
export const MAX_TERMINAL_ROWS = 1000;
/** The size used when a terminal reports none (0×0, a pipe). */
export const DEFAULT_TERMINAL_COLS = 80;
export const DEFAULT_TERMINAL_ROWS = 24;

/**
 * The one size rule, applied wherever a size enters (params, resize frames,
 * the store): a missing or zero size falls back to 80×24, a huge one is cut
 * to the bound.
 */
export function normalizeSize(cols: number, rows: number): { cols: number; rows: number } {
  return {
    cols: clampDimension(cols, DEFAULT_TERMINAL_COLS, MAX_TERMINAL_COLS),
    rows: clampDimension(rows, DEFAULT_TERMINAL_ROWS, MAX_TERMINAL_ROWS),
  };
}

function clampDimension(value: number, fallback: number, max: number): number {
  if (!Number.isFinite(value) || value < 1) return fallback;
  return Math.min(Math.floor(value), max);
}
