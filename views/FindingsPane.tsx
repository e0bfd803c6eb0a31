import type React from 'react';
import { Box, Text } from 'ink';
import type { Finding } from '../src/model/index.js';
import { SEVERITY_RANK } from '../src/model/index.js';
import { REPAIR_KEYS } from '../src/registry/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { ListScreen, useList, type RowAction } from './ListScreen.js';
import type { PaneProps } from './pane.js';
import type { Column } from './Table.js';
import { fit, wrap } from './text.js';
import { severityColor, type Theme } from './theme.js';

function columns(t: Theme): Column<Finding>[] {
  return [
    { key: 'severity', header: 'SEVERITY', width: 8, value: (f) => f.severity, color: (f) => severityColor(t, f.severity) },
    { key: 'class', header: 'CLASS', width: 20, dropOrder: 1, value: (f) => f.class },
    { key: 'summary', header: 'SUMMARY', width: 'flex', minWidth: 20, value: (f) => sanitizeLine(f.summary) },
  ];
}

const MAX_EVIDENCE = 4;

/** A finding is the same one while its class and subject are: its summary and evidence change with each poll. */
const findingId = (f: Finding) => `${f.class}\u0000${f.subject ?? ''}`;

/** The finding's repair rows: what can run now (with its key), then each one the planner would refuse, with why, wrapped whole. */
function repairRows(finding: Finding, why: (string | undefined)[], runnable: boolean, width: number, theme: Theme): { text: string; color: string | undefined }[] {
  if (finding.repairs.length === 0) return [{ text: 'no repair offered', color: theme.accent }];
  const label = (i: number) => sanitizeLine(finding.repairs[i]!.label);
  if (!runnable) return wrap('repairs: ' + finding.repairs.map((_, i) => label(i)).join('  '), width).map((text) => ({ text, color: theme.accent }));
  const keyed = (i: number) => `${REPAIR_KEYS[i] ?? ''} ${label(i)}`.trim();
  const ready = finding.repairs.flatMap((_, i) => (why[i] === undefined ? [keyed(i)] : []));
  const rows = wrap(ready.length ? 'repairs: ' + ready.join('  ') : 'no repair can run now', width).map((text) => ({ text, color: theme.accent }));
  why.forEach((reason, i) => {
    if (reason === undefined) return;
    for (const text of wrap(`${keyed(i)}: unavailable: ${sanitizeLine(reason)}`, width - 2)) rows.push({ text: '  ' + text, color: theme.muted });
  });
  return rows;
}

/** The repair keys the registry binds on the findings screen (Enter the first, a-f in order, P across the pool), on the selected finding. */
function repairActions(props: PaneProps): RowAction<Finding>[] {
  const machineId = props.host.machine.id;
  const { registry } = props;
  return [
    {
      keys: () => true,
      run: (f, name) => {
        // The repair entry the key is bound to, registered in this mode or not (read-only: refused below).
        const entry = name === 'Enter' ? registry.known('repair.first') : registry.bound('findings', name);
        const intent = entry?.intent;
        if (!entry || intent?.kind !== 'repair') return false;
        const repair = intent.pick === 'number' ? f.repairs[REPAIR_KEYS.indexOf(name)] : f.repairs[0];
        // Enter without a repair is still taken, and so is a repair letter beyond the repairs (it does nothing).
        if (!repair) return true;
        if (!registry.get(entry.id)) return props.refuseReadOnly();
        if (intent.pick === 'pool') return props.requestPoolRepair({ machineId, action: repair.action, params: repair.params, clears: { class: f.class, subject: f.subject } });
        // An unavailable repair never reaches a confirmation: HostView shows the planner's reason.
        props.requestAction({ action: repair.action, machineId, params: repair.params });
      },
    },
  ];
}

export function FindingsPane(props: PaneProps): React.JSX.Element {
  const { theme, intents } = useView();
  const findings = [...props.host.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const list = useList(findings, findingId);
  const current = list.item;
  const evidence = (current?.evidence ?? []).slice(0, MAX_EVIDENCE);
  // A repair the planner would refuse is shown unavailable with its reason, not offered then refused.
  // The repair keys are registered (not in read-only mode): repairs are listed with their numbers.
  const runnable = props.registry.get('repair.number') !== undefined;
  const why = !runnable
    ? []
    : (current?.repairs ?? []).map((r) => intents.unavailable?.({ action: r.action, machineId: props.host.machine.id, params: r.params }));
  const repairs = current ? repairRows(current, why, runnable, props.width, theme) : [];
  // Detail block: blank line, evidence lines, repair rows.
  const detailLines = current ? 1 + evidence.length + repairs.length : 0;
  const tableHeight = Math.max(1, props.height - 1 - detailLines);

  return (
    <Box flexDirection="column">
      <ListScreen
        list={list}
        columns={columns(theme)}
        height={tableHeight}
        width={props.width}
        inputRef={props.inputRef}
        actions={repairActions(props)}
        emptyText={props.host.probe ? 'no findings: all checks pass' : 'not probed yet'}
      />
      {current ? (
        <>
          <Text> </Text>
          {evidence.map((line, i) => (
            <Text key={i} color={theme.muted} wrap="truncate-end">
              {fit('  ' + sanitizeLine(line), props.width)}
            </Text>
          ))}
          {repairs.map((row, i) => (
            <Text key={`r${i}`} color={row.color} wrap="truncate-end">
              {fit(row.text, props.width)}
            </Text>
          ))}
        </>
      ) : null}
    </Box>
  );
}
