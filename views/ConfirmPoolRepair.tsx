import type React from 'react';
import { useState } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ActionPlan } from '../src/model/index.js';
import type { PoolRepairRequest } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { READ_ONLY_REFUSAL } from './keymap.js';
import { RolloutPanel } from './RolloutPanel.js';
import { chunk, fit, truncate, wrap } from './text.js';
import { useKeys } from './use-keys.js';

export interface PoolConfirm {
  /** The plan for the canary: what the operator reads before saying yes. */
  plan: ActionPlan;
  request: PoolRepairRequest;
  /** Canary first. */
  hosts: string[];
  /** The hosts are the operator's marked set (not a pool). */
  marked?: boolean;
}

export interface ConfirmPoolRepairProps extends PoolConfirm {
  active: boolean;
  height: number;
  width: number;
  onClose: () => void;
}

/**
 * A repair across a pool: the hosts (canary first), the exact command for the canary, the batch
 * size (+/-); `y` starts it and the live progress replaces the question.
 */
export function ConfirmPoolRepair(props: ConfirmPoolRepairProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const [batch, setBatch] = useState(1);
  const [started, setStarted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);
  const hostNames = useStore(store, useShallow((s) => props.hosts.map((id) => sanitizeLine(s.hosts[id]?.machine.name ?? id))));
  const rolloutState = useStore(store, (s) => s.rollout?.state);
  const { width, plan } = props;

  useKeys(
    (input, key) => {
      if (started) {
        if (rolloutState !== 'running' || key.escape) props.onClose();
        return;
      }
      if (input === '+' || input === '=') return setBatch((b) => Math.min(props.hosts.length, b + 1));
      if (input === '-') return setBatch((b) => Math.max(1, b - 1));
      if (input === 'j' || key.downArrow) return setScroll((n) => n + 1);
      if (input === 'k' || key.upArrow) return setScroll((n) => Math.max(0, n - 1));
      if (input !== 'y') return props.onClose();
      if (store.getState().readOnly) {
        setError(READ_ONLY_REFUSAL);
        return;
      }
      setStarted(true);
      intents.repairPool({ ...props.request, batchSize: batch }).catch((err: unknown) => setError(sanitizeLine(err instanceof Error ? err.message : String(err))));
    },
    props.active,
  );

  if (started && !error) return <RolloutPanel width={width} height={props.height} />;
  const [canary, ...rest] = hostNames;
  const commandRows = chunk(sanitizeLine(plan.command), Math.max(10, width - 4)).slice(0, Math.max(1, props.height - 10));
  const label = (name: string, value: string) => truncate(`${fit(name, 9)} ${value}`, width);
  // Every host is listed; when they do not fit, the list scrolls (j/k) and says which part is shown.
  const hostRows = rest.length ? wrap(rest.join(', '), Math.max(10, width - 10)) : [props.marked ? '(no other host is marked)' : '(no other host of the pool has this finding)'];
  const roomForHosts = Math.max(1, props.height - 8 - commandRows.length);
  const top = Math.min(scroll, Math.max(0, hostRows.length - roomForHosts));
  const shownHosts = hostRows.slice(top, top + roomForHosts);
  const more = hostRows.length > roomForHosts ? ` (j/k: rows ${top + 1}-${top + shownHosts.length} of ${hostRows.length})` : '';
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`${props.marked ? `On ${hostNames.length} marked hosts` : 'Pool repair'}: ${sanitizeLine(plan.title)}`, width)}
      </Text>
      <Text wrap="truncate-end">{label('canary', canary ?? '')}</Text>
      {shownHosts.map((row, i) => (
        <Text key={`h${i}`} wrap="truncate-end">
          {label(i === 0 ? 'then' : '', row)}
        </Text>
      ))}
      {more ? (
        <Text color={theme.muted} wrap="truncate-end">
          {label('', more.trim())}
        </Text>
      ) : null}
      <Text wrap="truncate-end">{label('batch', `${batch} at a time after the canary (+/- to change); stops at the first failure`)}</Text>
      <Text wrap="truncate-end">{label('command', '(on the canary; each host gets its own plan)')}</Text>
      {commandRows.map((row, i) => (
        <Text key={i} bold color={theme.accent} wrap="truncate-end">
          {'    ' + row}
        </Text>
      ))}
      <Text wrap="truncate-end">{label('expect', sanitizeLine(plan.expected))}</Text>
      {/* Why it did not start is shown whole, wrapped. */}
      {(error ? wrap(`not run: ${error}`, width) : []).map((row, i) => (
        <Text key={`e${i}`} color={theme.critical} wrap="truncate-end">
          {row}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text bold wrap="truncate-end">
        {truncate('y start · any other key cancels', width)}
      </Text>
    </Box>
  );
}
