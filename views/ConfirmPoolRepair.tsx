import type React from 'react';
import { useState } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
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
  const [canary, ...rest] = props.hosts;
  const commandRows = chunk(sanitizeLine(plan.command), Math.max(10, width - 4)).slice(0, Math.max(1, props.height - 9));
  const label = (name: string, value: string) => truncate(`${fit(name, 9)} ${value}`, width);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`Pool repair: ${sanitizeLine(plan.title)}`, width)}
      </Text>
      <Text wrap="truncate-end">{label('canary', sanitizeLine(canary ?? ''))}</Text>
      <Text wrap="truncate-end">{label('then', rest.length ? sanitizeLine(rest.join(', ')) : '(no other host of the pool has this finding)')}</Text>
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
      <Text bold wrap="truncate-end">
        {truncate('y start · any other key cancels', width)}
      </Text>
    </Box>
  );
}
