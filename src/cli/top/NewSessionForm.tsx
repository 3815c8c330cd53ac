// `n` in kojo top: a small form for a new session, defaulting to the
// selected session's tool and directory.
import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { SessionInfo } from '../../shared/protocol/session.js';
import type { Paint } from './parts.js';

export interface NewSession {
  tool: string;
  name: string;
  dir: string;
  /** Arguments for the tool, split on spaces (for exec: the program first). */
  args: string;
}

const FIELDS: Array<{ key: keyof NewSession; label: string }> = [
  { key: 'tool', label: 'tool' },
  { key: 'name', label: 'name (optional)' },
  { key: 'dir', label: 'directory' },
  { key: 'args', label: 'arguments' },
];

export function NewSessionForm(props: {
  defaults: SessionInfo | undefined;
  paint: Paint;
  onSubmit(form: NewSession): void;
  onCancel(): void;
}): React.ReactElement {
  const [form, setForm] = useState<NewSession>({
    tool: props.defaults?.tool ?? 'claude',
    name: '',
    dir: props.defaults?.workDir ?? process.cwd(),
    args: '',
  });
  const [field, setField] = useState(0);
  const key = FIELDS[field]!.key;

  useInput((input, k) => {
    if (k.escape) return props.onCancel();
    if (k.upArrow || (k.tab && k.shift)) return setField((f) => Math.max(0, f - 1));
    if (k.downArrow || k.tab) return setField((f) => Math.min(FIELDS.length - 1, f + 1));
    if (k.return) return field === FIELDS.length - 1 ? props.onSubmit(form) : setField(field + 1);
    if (k.backspace || k.delete) return setForm({ ...form, [key]: form[key].slice(0, -1) });
    if (input && !k.ctrl && !k.meta) setForm({ ...form, [key]: form[key] + input });
  });

  return (
    <Box flexDirection="column">
      <Text>{props.paint.bold('new session')} (tab/enter: next field, enter on the last: start, esc: cancel)</Text>
      {FIELDS.map((f, i) => (
        <Text key={f.key} wrap="truncate">
          {i === field ? '> ' : '  '}
          {f.label.padEnd(16)}
          {form[f.key]}
          {i === field ? '█' : ''}
        </Text>
      ))}
    </Box>
  );
}
