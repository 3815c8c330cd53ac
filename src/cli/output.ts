import { Chalk } from 'chalk';
import { ErrorCode } from '../shared/errors.js';
import { attempt } from '../shared/systemError.js';

/** Colour only for a person at a terminal who has not asked for none. */
export const color = new Chalk({ level: process.stdout.isTTY && !process.env.NO_COLOR ? 1 : 0 });

/** A failure the user caused or can fix; printed as `kojo: <message>`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Daemon errors that mean the command line was wrong: exit status 2, as commander's. */
const USAGE_ERROR_CODES: ReadonlySet<number> = new Set([
  ErrorCode.InvalidParams,
  ErrorCode.UnsupportedTool,
  ErrorCode.UnknownAction,
  ErrorCode.BadConfigKey,
]);

export const USAGE_ERROR = 2;

/** The exit status for a daemon's error reply: 2 for a usage error, else 1. */
export function exitStatusFor(error: unknown): number {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && USAGE_ERROR_CODES.has(code) ? USAGE_ERROR : 1;
}

/** The working directory, or a clear error when it was removed under the shell. */
export function currentDir(): string {
  return attempt('read the current directory (give --cwd, or cd to one that exists)', () => process.cwd());
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function warn(message: string): void {
  process.stderr.write(`kojo: ${message}\n`);
}

/** Left-aligned columns, the last one unpadded. */
export function table(
  header: string[],
  rows: string[][],
  paint?: (row: number, col: number, cell: string) => string,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], rowIndex: number): string =>
    cells
      .map((cell, i) => {
        const painted = paint && rowIndex >= 0 ? paint(rowIndex, i, cell) : cell;
        return i === cells.length - 1 ? painted : painted + ' '.repeat(widths[i]! - cell.length + 2);
      })
      .join('')
      .trimEnd();
  return [color.bold(line(header, -1)), ...rows.map((r, i) => line(r, i))].join('\n') + '\n';
}

export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** `1 approval`, `2 approvals`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
