// The dashboard's pieces: colours, the list's lines, the preview, help.
import React from 'react';
import { Box, Text } from 'ink';
import { Chalk } from 'chalk';
import type { Capture } from '../../shared/protocol/terminalIo.js';
import { stateOf, type Row } from './model.js';

/** Colour only for a terminal that wants it (NO_COLOR turns it off). */
export function makePaint(enabled: boolean) {
  const chalk = new Chalk({ level: enabled ? 2 : 0 });
  return {
    enabled,
    bold: (s: string) => chalk.bold(s),
    dim: (s: string) => chalk.dim(s),
    selected: (s: string) => chalk.inverse(s),
    attention: (s: string) => chalk.bold.yellow(s),
    state: (state: string, s: string) =>
      state === 'asking'
        ? chalk.bold.red(s)
        : state === 'idle'
          ? chalk.yellow(s)
          : state === 'working' || state === 'starting'
            ? chalk.green(s)
            : chalk.dim(s),
  };
}
export type Paint = ReturnType<typeof makePaint>;

const COLUMNS = [
  { title: 'NAME', width: 22 },
  { title: 'TOOL', width: 8 },
  { title: 'STATE', width: 14 },
  { title: 'YOLO', width: 7 },
  { title: 'DIR', width: 0 },
];

function cells(values: string[]): string {
  return values
    .map((value, i) => {
      const width = COLUMNS[i]!.width;
      if (!width) return value;
      const cut = value.length > width - 1 ? value.slice(0, width - 2) + '…' : value;
      return cut.padEnd(width);
    })
    .join('');
}

export function ListHeader(props: { paint: Paint }): React.ReactElement {
  return <Text wrap="truncate">{props.paint.bold('  ' + cells(COLUMNS.map((c) => c.title)))}</Text>;
}

export function SessionLine(props: { row: Row; selected: boolean; paint: Paint }): React.ReactElement {
  const { row, selected, paint } = props;
  const marker = row.info.attention ? '! ' : '  ';
  const line = cells([row.label, row.info.tool, row.state, row.yolo, row.dir]);
  // '>' shows the selection where inverse video is not drawn (NO_COLOR).
  if (selected) return <Text wrap="truncate">{paint.selected(`>${marker.slice(1)}${line}`)}</Text>;
  const state = stateOf(row.info);
  const painted = line.replace(row.state, paint.state(state, row.state));
  return (
    <Text wrap="truncate">
      {row.info.attention ? paint.attention(marker) : marker}
      {row.info.attention ? paint.bold(painted) : painted}
    </Text>
  );
}

/** The selected session's screen as the emulator holds it: its bottom rows, cropped to fit. */
export function Preview(props: {
  capture: Capture | undefined;
  row: Row | undefined;
  rows: number;
  cols: number;
  paint: Paint;
}): React.ReactElement {
  const { capture, row, rows, cols, paint } = props;
  const title = row
    ? `── ${row.info.name ?? row.info.id} ${capture ? `${capture.cols}×${capture.rows} ` : ''}`
    : '── no session selected ';
  let lines = capture?.lines ?? [];
  // The rows that matter are those up to the cursor: a fresh shell's screen is mostly blank below it.
  if (capture) lines = lines.slice(0, Math.max(capture.cursor.y + 1, lastNonBlank(lines) + 1));
  lines = lines.slice(-rows);
  return (
    <Box flexDirection="column" height={rows + 1} width={cols} overflow="hidden">
      <Text wrap="truncate">{paint.dim(title.padEnd(cols, '─'))}</Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {paint.enabled ? line + '\x1b[0m' : line}
        </Text>
      ))}
    </Box>
  );
}

function lastNonBlank(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').trim()) return i;
  return -1;
}

export const FOOTER =
  'enter attach  n new  s stop  r restart  d rm  y yolo  t terminal  / filter  a attention  ? help  q quit';

export const HELP_LINES = [
  'kojo top: every session, those that need you first',
  '',
  '  ↑/↓ j/k   move',
  '  enter     attach (the detach key comes back here)',
  '  n         start a new session (tool, name, directory, arguments)',
  '  s         stop the selected session (asks first)',
  '  r         restart an exited session',
  '  d         remove an exited session (asks first)',
  '  y         turn yolo on or off',
  '  t         open the terminal next to the session (kojo tmux)',
  '  /         filter by name, id, tool or directory (enter or esc ends)',
  '  a         jump to the next session that needs attention',
  '  q ctrl-c  leave',
  '',
  '! marks a session whose change to idle or asking nobody has seen yet.',
  'Press any key.',
];
