import React from 'react';
import { Box, Text } from 'ink';
import type { Finding } from '../src/model/index.js';
import { SEVERITY_RANK } from '../src/model/index.js';
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
function repairRows(finding: Finding, why: (string | undefined)[], readOnly: boolean, width: number, theme: Theme): { text: string; color: string | undefined }[] {
  if (finding.repairs.length === 0) return [{ text: 'no repair offered', color: theme.accent }];
  const label = (i: number) => sanitizeLine(finding.repairs[i]!.label);
  if (readOnly) return wrap('repairs: ' + finding.repairs.map((_, i) => label(i)).join('  '), width).map((text) => ({ text, color: theme.accent }));
  const ready = finding.repairs.flatMap((_, i) => (why[i] === undefined ? [`${i + 1} ${label(i)}`] : []));
  const rows = wrap(ready.length ? 'repairs: ' + ready.join('  ') : 'no repair can run now', width).map((text) => ({ text, color: theme.accent }));
  why.forEach((reason, i) => {
    if (reason === undefined) return;
    for (const text of wrap(`${i + 1} ${label(i)}: unavailable: ${sanitizeLine(reason)}`, width - 2)) rows.push({ text: '  ' + text, color: theme.muted });
  });
  return rows;
}

/** Enter runs the first repair, 1-9 the one with that number, P the first one across the pool. */
function repairActions(props: PaneProps): RowAction<Finding>[] {
  const machineId = props.host.machine.id;
  return [
    {
      keys: ['P'],
      run: (f) => {
        const first = f.repairs[0];
        if (!first) return false;
        props.requestPoolRepair({ machineId, action: first.action, params: first.params, clears: { class: f.class, subject: f.subject } });
      },
    },
    {
      keys: (name) => name === 'Enter' || /^[1-9]$/.test(name),
      run: (f, name) => {
        const repair = name === 'Enter' ? f.repairs[0] : f.repairs[Number(name) - 1];
        // Enter without a repair is still taken; digits beyond the repairs fall through to tab switching.
        if (!repair) return name === 'Enter';
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
  const why = props.readOnly
    ? []
    : (current?.repairs ?? []).map((r) => intents.unavailable?.({ action: r.action, machineId: props.host.machine.id, params: r.params }));
  const repairs = current ? repairRows(current, why, props.readOnly, props.width, theme) : [];
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
