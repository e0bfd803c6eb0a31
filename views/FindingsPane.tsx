import React, { useState } from 'react';
import { Box, Text } from 'ink';
import type { Finding } from '../src/model/index.js';
import { SEVERITY_RANK } from '../src/model/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { listMove, type PaneProps } from './pane.js';
import { Table, type Column } from './Table.js';
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

/** The finding's repair rows: what can run now (with its key), then each one the planner would refuse, with why, wrapped whole. */
function repairRows(finding: Finding, why: (string | undefined)[], runnable: boolean, width: number, theme: Theme): { text: string; color: string | undefined }[] {
  if (finding.repairs.length === 0) return [{ text: 'no repair offered', color: theme.accent }];
  const label = (i: number) => sanitizeLine(finding.repairs[i]!.label);
  if (!runnable) return wrap('repairs: ' + finding.repairs.map((_, i) => label(i)).join('  '), width).map((text) => ({ text, color: theme.accent }));
  const ready = finding.repairs.flatMap((_, i) => (why[i] === undefined ? [`${i + 1} ${label(i)}`] : []));
  const rows = wrap(ready.length ? 'repairs: ' + ready.join('  ') : 'no repair can run now', width).map((text) => ({ text, color: theme.accent }));
  why.forEach((reason, i) => {
    if (reason === undefined) return;
    for (const text of wrap(`${i + 1} ${label(i)}: unavailable: ${sanitizeLine(reason)}`, width - 2)) rows.push({ text: '  ' + text, color: theme.muted });
  });
  return rows;
}

export function FindingsPane(props: PaneProps): React.JSX.Element {
  const { theme, intents } = useView();
  const findings = [...props.host.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const [index, setIndex] = useState(0);
  const selected = Math.min(index, findings.length - 1);
  const current = findings[selected];
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

  props.inputRef.current = (input, key) => {
    const moved = listMove(input, key, selected, findings.length, tableHeight);
    if (moved !== null) {
      setIndex(moved);
      return true;
    }
    if (!current) return false;
    const { registry } = props;
    // The repair entry the key is bound to, registered in this mode or not (read-only: refused below).
    const entry = key.return ? registry.known('repair.first') : registry.bound('findings', input);
    const intent = entry?.intent;
    if (!entry || intent?.kind !== 'repair') return false;
    const repair = intent.pick === 'number' ? current.repairs[Number(input) - 1] : current.repairs[0];
    if (!repair) return key.return; // digits beyond the repairs fall through to tab switching
    if (!registry.get(entry.id)) {
      props.refuseReadOnly();
      return true;
    }
    if (intent.pick === 'pool') {
      props.requestPoolRepair({
        machineId: props.host.machine.id,
        action: repair.action,
        params: repair.params,
        clears: { class: current.class, subject: current.subject },
      });
      return true;
    }
    // An unavailable repair never reaches a confirmation: HostView shows the planner's reason.
    props.requestAction({ action: repair.action, machineId: props.host.machine.id, params: repair.params });
    return true;
  };

  return (
    <Box flexDirection="column">
      <Table
        data={findings}
        columns={columns(theme)}
        selectedIndex={selected}
        height={tableHeight}
        width={props.width}
        rowKey={(f, i) => `${f.class}:${f.subject ?? ''}:${i}`}
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
