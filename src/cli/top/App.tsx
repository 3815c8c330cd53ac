// The dashboard's screen: the session list, the selected session's preview,
// and a footer of keys. Keys that change a session call back into run.ts.
import React, { useEffect, useState } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import type { Capture } from '../../shared/protocol/terminalIo.js';
import { nextAttention, rows, type Row } from './model.js';
import type { Feed } from './feed.js';
import { NewSessionForm, type NewSession } from './NewSessionForm.js';
import { HELP_LINES, FOOTER, ListHeader, SessionLine, Preview, Paint } from './parts.js';

export interface Actions {
  attach(id: string): void;
  terminal(id: string): void;
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  yolo(id: string, on: boolean): Promise<void>;
  create(form: NewSession): Promise<void>;
  quit(): void;
}

type Mode =
  | { kind: 'list' }
  | { kind: 'filter' }
  | { kind: 'confirm'; verb: 'stop' | 'remove'; id: string; label: string }
  | { kind: 'new' }
  | { kind: 'help' };

function useWindowSize(): { cols: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { cols: number; rows: number } => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  });
  return size;
}

export function App(props: { feed: Feed; actions: Actions; paint: Paint; initialId?: string }): React.ReactElement {
  const { feed, actions, paint } = props;
  const size = useWindowSize();
  const [, setTick] = useState(0);
  const [filter, setFilter] = useState('');
  const [selectedId, setSelectedId] = useState<string | undefined>(props.initialId);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [message, setMessage] = useState('');
  const [preview, setPreview] = useState<Capture | undefined>();

  useEffect(() => {
    const onChange = (): void => setTick((t) => t + 1);
    const onPreview = (capture: Capture | undefined): void => setPreview(capture);
    feed.on('change', onChange);
    feed.on('preview', onPreview);
    // Ages ("idle 3m") move on by themselves.
    const clock = setInterval(onChange, 10_000);
    return () => {
      feed.off('change', onChange);
      feed.off('preview', onPreview);
      clearInterval(clock);
    };
  }, [feed]);

  const list = rows(feed.sessions, filter);
  const index = Math.max(
    0,
    list.findIndex((r) => r.info.id === selectedId),
  );
  const selected: Row | undefined = list[index];
  useEffect(() => feed.select(selected?.info.id), [feed, selected?.info.id]);

  const select = (i: number): void => {
    const row = list[Math.min(Math.max(i, 0), list.length - 1)];
    if (row) setSelectedId(row.info.id);
  };
  const run = (what: Promise<void>): void => {
    setMessage('');
    what.catch((error: Error) => setMessage(error.message));
  };

  useInput((input, key) => {
    if (mode.kind === 'filter') {
      if (key.return || key.escape) return setMode({ kind: 'list' });
      if (key.backspace || key.delete) return setFilter((f) => f.slice(0, -1));
      if (!input || key.ctrl || key.meta) return;
      // Typed ahead: text then Enter in one read ends the filter there.
      const enter = input.indexOf('\r');
      setFilter((f) => f + (enter === -1 ? input : input.slice(0, enter)));
      if (enter !== -1) setMode({ kind: 'list' });
      return;
    }
    if (mode.kind === 'confirm') {
      if (input === 'y' || input === 'Y') {
        run(mode.verb === 'stop' ? actions.stop(mode.id) : actions.remove(mode.id));
      }
      return setMode({ kind: 'list' });
    }
    if (mode.kind === 'help') return setMode({ kind: 'list' });
    if (mode.kind === 'new') return; // The form has the keys.
    if (input === 'q' || (key.ctrl && input === 'c')) return actions.quit();
    if (key.upArrow || input === 'k') return select(index - 1);
    if (key.downArrow || input === 'j') return select(index + 1);
    if (input.startsWith('/')) {
      // Keys typed fast arrive together: what follows the slash is the filter.
      setFilter(input.slice(1));
      return setMode({ kind: 'filter' });
    }
    if (input === '?') return setMode({ kind: 'help' });
    if (input === 'n') return setMode({ kind: 'new' });
    if (input === 'a') {
      const next = nextAttention(list, index);
      return next === undefined ? setMessage('no session needs attention') : select(next);
    }
    if (!selected) return;
    const { info } = selected;
    const label = info.name ?? info.id;
    if (key.return) return actions.attach(info.id);
    if (input === 't') return actions.terminal(info.id);
    if (input === 's') {
      if (info.status !== 'running') return setMessage(`${label} is not running`);
      return setMode({ kind: 'confirm', verb: 'stop', id: info.id, label });
    }
    if (input === 'd') {
      if (info.status === 'running') return setMessage(`${label} is still running: stop it first`);
      return setMode({ kind: 'confirm', verb: 'remove', id: info.id, label });
    }
    if (input === 'r') {
      if (info.status === 'running') return setMessage(`${label} is running`);
      return run(actions.restart(info.id));
    }
    if (input === 'y') return run(actions.yolo(info.id, !info.yoloMode));
  });

  if (mode.kind === 'help') {
    return (
      <Box flexDirection="column" height={size.rows - 1}>
        {HELP_LINES.map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    );
  }

  // The list takes what it needs, up to half the screen; the preview the rest.
  const listRows = Math.max(3, Math.min(list.length || 1, Math.floor((size.rows - 4) / 2)));
  const first = Math.min(Math.max(0, index - listRows + 1), Math.max(0, list.length - listRows));
  const previewRows = Math.max(1, size.rows - listRows - 5);
  const status =
    mode.kind === 'filter'
      ? `filter: ${filter}█`
      : mode.kind === 'confirm'
        ? `${mode.verb} ${mode.label}? (y/n)`
        : message || (filter ? `filter: ${filter}` : '');

  return (
    <Box flexDirection="column" width={size.cols} height={size.rows - 1}>
      <Text wrap="truncate">
        {paint.bold('kojo top')} · {feed.sessions.length} session{feed.sessions.length === 1 ? '' : 's'}
        {list.some((r) => r.info.attention) ? ` · ${paint.attention('attention needed')}` : ''}
      </Text>
      <ListHeader paint={paint} />
      <Box flexDirection="column" height={listRows}>
        {list.length === 0 ? <Text>{filter ? 'no session matches' : 'no sessions: press n to start one'}</Text> : null}
        {list.slice(first, first + listRows).map((row) => (
          <SessionLine key={row.info.id} row={row} selected={row === selected} paint={paint} />
        ))}
      </Box>
      {mode.kind === 'new' ? (
        <NewSessionForm
          defaults={selected?.info}
          paint={paint}
          onSubmit={(form) => {
            setMode({ kind: 'list' });
            run(actions.create(form));
          }}
          onCancel={() => setMode({ kind: 'list' })}
        />
      ) : (
        <Preview capture={preview} row={selected} rows={previewRows} cols={size.cols} paint={paint} />
      )}
      <Text wrap="truncate">{status}</Text>
      <Text wrap="truncate">{paint.dim(FOOTER)}</Text>
    </Box>
  );
}
