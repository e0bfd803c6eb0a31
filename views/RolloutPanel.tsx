import React from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { RolloutStep } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import type { Theme } from './theme.js';
import { fit, truncate } from './text.js';

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

/** Live progress of a pool repair: canary first, then the rest; why it stopped, if it did. */
export function RolloutPanel(props: { width: number; height: number }): React.JSX.Element | null {
  const { store, theme } = useView();
  const rollout = useStore(store, (s) => s.rollout);
  if (!rollout) return null;
  const { width } = props;
  const head =
    rollout.state === 'running' ? 'running' : rollout.state === 'done' ? 'done: every host healthy again' : `stopped: ${rollout.reason ?? ''}`;
  const room = Math.max(1, props.height - 3);
  const steps = rollout.steps.slice(0, room);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`Pool repair: ${sanitizeLine(rollout.title)}`, width)}
      </Text>
      <Text color={rollout.state === 'stopped' ? theme.critical : rollout.state === 'done' ? theme.ok : theme.accent} wrap="truncate-end">
        {truncate(sanitizeLine(head), width)}
      </Text>
      {steps.map((s, i) => (
        <Text key={s.machineId} color={stepColor(theme, s.state)} wrap="truncate-end">
          {truncate(`${MARK[s.state]} ${i === 0 ? 'canary ' : '       '}${fit(sanitizeLine(s.machineId), 16)} ${fit(s.state, 9)} ${sanitizeLine(s.detail ?? '')}`, width)}
        </Text>
      ))}
      {rollout.steps.length > steps.length ? <Text color={theme.muted}>{`… ${rollout.steps.length - steps.length} more`}</Text> : null}
      <Text color={theme.muted} wrap="truncate-end">
        {truncate(rollout.state === 'running' ? 'Esc hides this (the rollout keeps going)' : 'any key closes', width)}
      </Text>
    </Box>
  );
}
