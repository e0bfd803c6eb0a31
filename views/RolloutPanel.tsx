import type React from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { RolloutStep } from '../src/store/index.js';
import { sanitizeLine, sanitizeText } from '../src/util/sanitize.js';
import { useView } from './context.js';
import type { Theme } from './theme.js';
import { fit, truncate, wrap } from './text.js';

const MARK: Record<RolloutStep['state'], string> = {
  pending: '·',
  running: '▶',
  verifying: '?',
  ok: '✓',
  failed: '✗',
  skipped: '-',
};

function stepColor(t: Theme, s: RolloutStep['state']): string | undefined {
  return s === 'ok' ? t.ok : s === 'failed' ? t.critical : s === 'running' || s === 'verifying' ? t.accent : t.muted;
}

interface Row {
  text: string;
  color: string | undefined;
}

/** A step's rows: its line, then (failed) its reason and last lines of output, wrapped whole. */
function stepRows(s: RolloutStep, canary: boolean, theme: Theme, width: number): Row[] {
  const color = stepColor(theme, s.state);
  const head = `${MARK[s.state]} ${canary ? 'canary ' : '       '}${fit(sanitizeLine(s.machineId), 16)} ${fit(s.state, 9)} `;
  if (s.state !== 'failed') return [{ text: truncate(head + sanitizeLine(s.detail ?? ''), width), color }];
  const indent = '    ';
  const detail = sanitizeLine(s.detail ?? '');
  const rows: Row[] = [];
  if (Array.from(head + detail).length <= width) rows.push({ text: head + detail, color });
  else {
    rows.push({ text: truncate(head, width), color });
    for (const r of wrap(detail, width - indent.length)) rows.push({ text: indent + r, color });
  }
  const output = sanitizeText(s.output ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  for (const line of output) for (const r of wrap(line, width - indent.length - 2)) rows.push({ text: `${indent}| ${r}`, color: theme.muted });
  return rows;
}

/**
 * Which steps fit in `room` rows: every failed step whole (the reason is what the operator needs),
 * then the others in order. Returns the rows in step order and how many steps were left out.
 */
function fitSteps(blocks: Row[][], steps: RolloutStep[], room: number): { rows: Row[]; hidden: number } {
  const keep = new Set<number>();
  let used = 0;
  steps.forEach((s, i) => {
    if (s.state === 'failed') {
      keep.add(i);
      used += blocks[i]!.length;
    }
  });
  steps.forEach((_s, i) => {
    if (keep.has(i) || used + blocks[i]!.length > room) return;
    keep.add(i);
    used += blocks[i]!.length;
  });
  return { rows: blocks.filter((_, i) => keep.has(i)).flat(), hidden: steps.length - keep.size };
}

/** Live progress of a pool repair: canary first, then the rest; why it stopped, if it did. */
export function RolloutPanel(props: { width: number; height: number }): React.JSX.Element | null {
  const { store, theme } = useView();
  const rollout = useStore(store, (s) => s.rollout);
  if (!rollout) return null;
  const { width } = props;
  const head =
    rollout.state === 'running' ? 'running' : rollout.state === 'done' ? 'done: every host healthy again' : `stopped: ${rollout.reason ?? ''}`;
  const headRows = wrap(sanitizeLine(head), width);
  const blocks = rollout.steps.map((s, i) => stepRows(s, i === 0, theme, width));
  const room = Math.max(1, props.height - 3 - headRows.length);
  const { rows, hidden } = fitSteps(blocks, rollout.steps, room);
  const headColor = rollout.state === 'stopped' ? theme.critical : rollout.state === 'done' ? theme.ok : theme.accent;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`Pool repair: ${sanitizeLine(rollout.title)}`, width)}
      </Text>
      {headRows.map((r, i) => (
        <Text key={`h${i}`} color={headColor} wrap="truncate-end">
          {r}
        </Text>
      ))}
      {rows.map((r, i) => (
        <Text key={i} color={r.color} wrap="truncate-end">
          {r.text}
        </Text>
      ))}
      {hidden > 0 ? <Text color={theme.muted}>{`… ${hidden} more`}</Text> : null}
      <Text color={theme.muted} wrap="truncate-end">
        {truncate(rollout.state === 'running' ? 'Esc hides this (the rollout keeps going)' : 'any key closes', width)}
      </Text>
    </Box>
  );
}
