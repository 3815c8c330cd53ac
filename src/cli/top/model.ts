// What `kojo top` shows, as plain data: the order of sessions, the filter,
// and each row's cells. No terminal code here, so it is easy to test.
import type { AgentState } from '../../shared/protocol/agent.js';
import type { SessionInfo } from '../../shared/protocol/session.js';
import { age } from '../output.js';

export interface Row {
  info: SessionInfo;
  /** 0 for a session, 1 for a terminal child shown under its parent. */
  depth: number;
  label: string;
  state: string;
  yolo: string;
  dir: string;
}

/** Asking first, then idle after work, then the rest; the oldest first within each. */
function urgency(info: SessionInfo): number {
  if (info.attention && info.state === 'asking') return 0;
  if (info.attention) return 1;
  if (info.state === 'asking') return 2;
  return info.status === 'running' ? 3 : 4;
}

/** The effective state: what the agents room says, else what the status implies. */
export function stateOf(info: SessionInfo): AgentState | 'lost' {
  if (info.status !== 'running') return info.status === 'exited' ? 'exited' : 'lost';
  return info.state ?? 'working';
}

export function stateText(info: SessionInfo, now = Date.now()): string {
  const state = stateOf(info);
  if (state === 'exited') return info.exitSignal ? `exited ${info.exitSignal}` : `exited ${info.exitCode ?? '?'}`;
  if (state === 'lost') return 'lost';
  if ((state === 'asking' || state === 'idle') && info.stateSince) return `${state} ${age(info.stateSince, now)}`;
  return state;
}

function yoloText(info: SessionInfo): string {
  if (info.tool === 'exec' || info.tool === 'tmux') return '-';
  const n = info.yoloApprovals;
  return `${info.yoloMode ? 'on' : 'off'}${n ? ` ${n}` : ''}`;
}

export function matchesFilter(info: SessionInfo, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return [info.name ?? '', info.id, info.tool, info.workDir].some((f) => f.toLowerCase().includes(needle));
}

/** Home shown as ~, as a shell prompt would. */
export function shortDir(dir: string, home = process.env.HOME): string {
  return home && (dir === home || dir.startsWith(home + '/')) ? '~' + dir.slice(home.length) : dir;
}

/**
 * Sessions in display order: those needing attention first; each terminal
 * child right under its parent (or on its own when the parent is filtered out).
 */
export function rows(sessions: SessionInfo[], filter: string, now = Date.now()): Row[] {
  const shown = sessions.filter((s) => matchesFilter(s, filter));
  const ids = new Set(shown.map((s) => s.id));
  const top = shown
    .filter((s) => !s.parentId || !ids.has(s.parentId))
    .sort((a, b) => urgency(a) - urgency(b) || a.createdAt.localeCompare(b.createdAt));
  const out: Row[] = [];
  const row = (info: SessionInfo, depth: number): Row => ({
    info,
    depth,
    label: (depth ? '└ ' : '') + (info.name ?? info.id),
    state: stateText(info, now),
    yolo: yoloText(info),
    dir: shortDir(info.workDir),
  });
  for (const info of top) {
    out.push(row(info, 0));
    for (const child of shown.filter((s) => s.parentId === info.id)) out.push(row(child, 1));
  }
  return out;
}

/** The next row after `from` (wrapping) that needs attention, if any. */
export function nextAttention(list: Row[], from: number): number | undefined {
  for (let step = 1; step <= list.length; step++) {
    const i = (from + step) % list.length;
    if (list[i]!.info.attention) return i;
  }
  return undefined;
}
