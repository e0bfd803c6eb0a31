import type React from 'react';
import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useStore } from 'zustand';
import type { ActionPlan } from '../src/model/index.js';
import type { ActionRun } from '../src/store/index.js';
import { sanitizeLine, sanitizeText } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { READ_ONLY_REFUSAL } from './keymap.js';
import { chunk, fit, truncate, wrap } from './text.js';

export interface ConfirmActionProps {
  plan: ActionPlan;
  active: boolean;
  height: number;
  width: number;
  onClose: () => void;
}

/** The store's run for this plan: same plan object, or same host and command started after we confirmed. */
function findRun(actions: ActionRun[], plan: ActionPlan, since: number): ActionRun | undefined {
  return (
    actions.find((a) => a.plan === plan) ??
    actions.find((a) => a.plan.intent.machineId === plan.intent.machineId && a.plan.command === plan.command && a.startedAt >= since)
  );
}

/** Shows exactly what will run where; `y` runs it, anything else cancels. Then shows progress and result. */
export function ConfirmAction(props: ConfirmActionProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const { plan, width } = props;
  const [confirmedAt, setConfirmedAt] = useState<number | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const run = useStore(store, (s) => (confirmedAt === null ? undefined : findRun(s.actions, plan, confirmedAt - 1000)));

  // The preview is read-only (what a cleanup would delete...): it runs as soon as the plan is shown.
  useEffect(() => {
    if (!plan.preview) return;
    let live = true;
    setPreview(null);
    intents.preview(plan).then(
      (text) => live && setPreview(text),
      (err: unknown) => live && setPreview(`preview failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return () => {
      live = false;
    };
  }, [intents, plan]);

  useKeys(
    (input) => {
      if (confirmedAt !== null) {
        props.onClose();
        return;
      }
      if (input === 'y') {
        setConfirmedAt(Date.now());
        if (store.getState().readOnly) {
          setRunError(READ_ONLY_REFUSAL);
          return;
        }
        intents.run(plan).then(
          (outcome) => outcome && setRunError(sanitizeLine(outcome.refused)),
          (err: unknown) => setRunError(sanitizeLine(err instanceof Error ? err.message : String(err))),
        );
      } else props.onClose();
    },
    props.active,
  );

  // The command is shown in full (wrapped, never cut): the operator must see exactly what runs.
  const shownCommand = sanitizeLine(plan.command);
  const commandRows = chunk(shownCommand, Math.max(10, width - 4));
  const label = (name: string, value: string) => truncate(`${fit(name, 9)} ${value}`, width);
  const inputText = plan.input
    ? `${sanitizeLine(plan.input.description)} (${plan.input.bytes} bytes, sha256 ${sanitizeLine(plan.input.sha256.slice(0, 12))}…) on stdin`
    : '';
  const previewRows = plan.preview
    ? preview === null
      ? ['previewing…']
      : sanitizeText(preview)
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(0, Math.max(1, props.height - commandRows.length - 10))
    : [];

  // Why it was not run or why it failed is shown whole, wrapped: never cut at the screen edge.
  const whole = (text: string, color: string | undefined) => wrap(text, width).map((row) => ({ text: row, color }));
  let resultRows: { text: string; color?: string | undefined }[] = [];
  if (confirmedAt !== null) {
    if (runError) resultRows = whole(`not run: ${runError}`, theme.critical);
    else if (!run) resultRows = [{ text: 'starting…', color: theme.accent }];
    else {
      const r = run.result;
      const color = run.state === 'running' ? theme.accent : run.state === 'succeeded' ? theme.ok : theme.critical;
      const head = run.state === 'running' ? 'running…' : `${run.state} (exit ${r?.exitCode ?? 'none'}${r ? `, ${r.durationMs}ms` : ''})`;
      resultRows = [{ text: head, color }];
      if (r?.error) resultRows.push(...whole(sanitizeLine(r.error), theme.critical));
      const tailRoom = Math.max(0, props.height - commandRows.length - 9 - resultRows.length);
      const tail = r ? sanitizeText(r.outputTail).split('\n').filter((l) => l.trim() !== '') : [];
      const tailRows = tail.flatMap((l) => wrap(l, width - 2).map((row) => ({ text: '  ' + row, color: theme.muted })));
      if (tailRoom > 0) resultRows.push(...tailRows.slice(-tailRoom));
    }
  }

  return (
    <Box flexDirection="column" width={width} height={props.height}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`Confirm: ${sanitizeLine(plan.title)}`, width)}
      </Text>
      <Text wrap="truncate-end">{label('host', `${sanitizeLine(plan.hostName)} (${plan.transport})`)}</Text>
      <Text wrap="truncate-end">{label('command', '')}</Text>
      {commandRows.map((row, i) => (
        <Text key={i} bold color={theme.accent} wrap="truncate-end">
          {'    ' + row}
        </Text>
      ))}
      {shownCommand !== plan.command ? (
        <Text color={theme.critical} wrap="truncate-end">
          {truncate('the command contains control characters (shown stripped)', width)}
        </Text>
      ) : null}
      {/* What is sent is shown in full, wrapped like the command. */}
      {(plan.input ? chunk(inputText, Math.max(10, width - 10)) : []).map((row, i) => (
        <Text key={`i${i}`} wrap="truncate-end">
          {(i === 0 ? fit('input', 9) + ' ' : ' '.repeat(10)) + row}
        </Text>
      ))}
      {/* Preconditions are checked on the host before any change; shown whole, wrapped. */}
      {(plan.preconditions ?? []).flatMap((c, ci) =>
        chunk(sanitizeLine(c), Math.max(10, width - 12)).map((row, i) => (
          <Text key={`c${ci}-${i}`} wrap="truncate-end">
            {(ci === 0 && i === 0 ? fit('checks', 9) + ' ' : ' '.repeat(10)) + (i === 0 ? '- ' : '  ') + row}
          </Text>
        )),
      )}
      <Text wrap="truncate-end">{label('expect', sanitizeLine(plan.expected))}</Text>
      {plan.preview ? <Text wrap="truncate-end">{label('preview', sanitizeLine(plan.preview.description))}</Text> : null}
      {previewRows.map((row, i) => (
        <Text key={`p${i}`} color={preview === null ? theme.muted : theme.accent} wrap="truncate-end">
          {truncate('    ' + row, width)}
        </Text>
      ))}
      {/* The key line (then the result) sits on the bottom rows, as every screen's footer does. */}
      <Box flexGrow={1} minHeight={1} />
      {confirmedAt === null ? (
        <Text bold wrap="truncate-end">
          {truncate('y run it · any other key cancels', width)}
        </Text>
      ) : (
        <>
          {resultRows.map((r, i) => (
            <Text key={i} color={r.color} wrap="truncate-end">
              {truncate(r.text, width)}
            </Text>
          ))}
          <Text color={theme.muted} wrap="truncate-end">
            {truncate(run?.state === 'running' ? 'any key closes (the action keeps running)' : 'any key closes', width)}
          </Text>
        </>
      )}
    </Box>
  );
}
