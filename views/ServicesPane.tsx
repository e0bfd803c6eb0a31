import type React from 'react';
import { useLayoutEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Registry } from '../src/registry/index.js';
import type { ServiceStatus } from '../src/model/index.js';
import { formatAge } from '../src/util/format-age.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useNow, useView } from './context.js';
import { ListScreen, useList, type RowAction } from './ListScreen.js';
import type { PaneProps } from './pane.js';
import type { Column } from './Table.js';
import type { Theme } from './theme.js';
import { wrap } from './text.js';

/** Reported services, plus expected ones the probe did not mention (shown as unknown). */
export function paneServices(host: PaneProps['host']): ServiceStatus[] {
  const reported = host.probe?.services ?? [];
  const seen = new Set(reported.map((s) => s.name));
  const missing = host.machine.services
    .filter((name) => !seen.has(name))
    .map((name): ServiceStatus => ({ name, active: 'unknown', sub: 'not reported', load: 'unknown', init: 'systemd' }));
  return [...reported, ...missing];
}

function columns(t: Theme, now: number): Column<ServiceStatus>[] {
  const activeColor = (s: ServiceStatus) => (s.active === 'active' ? t.ok : s.active === 'failed' ? t.critical : t.warning);
  return [
    { key: 'name', header: 'SERVICE', width: 'flex', minWidth: 14, value: (s) => sanitizeLine(s.name) },
    { key: 'active', header: 'ACTIVE', width: 12, color: activeColor, value: (s) => sanitizeLine(s.active) },
    { key: 'sub', header: 'SUB', width: 12, value: (s) => sanitizeLine(s.sub) },
    { key: 'since', header: 'SINCE', width: 5, align: 'right', value: (s) => (s.sinceMs ? formatAge(now - s.sinceMs) : '') },
    {
      key: 'restarts',
      header: 'RST',
      width: 3,
      align: 'right',
      value: (s) => (s.restarts === undefined ? '' : String(s.restarts)),
      color: (s) => ((s.restarts ?? 0) >= 3 ? t.warning : undefined),
    },
    { key: 'description', header: 'DESCRIPTION', width: 'flex', minWidth: 16, dropOrder: 1, value: (s) => sanitizeLine(s.description ?? ''), color: () => t.muted },
  ];
}

/** The registered built-in service verbs (r/s/x) and the action each plans; none in read-only mode. */
function serviceVerbs(registry: Registry): { key: string; action: string }[] {
  return registry.entries.flatMap((e) => {
    const intent = e.intent;
    if (e.source !== 'builtin' || e.scope !== 'service' || intent.kind !== 'plan') return [];
    return e.keys.filter((k) => k.section === 'services').flatMap((k) => (k.input ?? []).map((key) => ({ key, action: intent.action })));
  });
}

/** The verb keys the planner would refuse, grouped by reason (often one reason for all three: "r/s/x"). */
function unavailableVerbs(verbs: readonly { key: string; action: string }[], why: (action: string) => string | undefined): { keys: string; reason: string }[] {
  const byReason = new Map<string, string[]>();
  for (const { key, action } of verbs) {
    const reason = why(action);
    if (reason !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), key]);
  }
  return [...byReason].map(([reason, keys]) => ({ keys: keys.join('/'), reason }));
}

/** A request (from the command bar) to put the cursor on a service, applied once per seq. */
export interface ServiceFocus {
  service: string;
  seq: number;
}

export interface ServicesPaneProps extends PaneProps {
  focus?: ServiceFocus;
  /** Set on every render to the selected service's name (what :restart acts on). */
  cursor?: { current: string | undefined };
}

/** Every key the registry binds on the services screen (r/s/x, the operator's service actions) acts on the selected service. */
function serviceActions(props: PaneProps): RowAction<ServiceStatus>[] {
  return [{ keys: () => true, run: (svc, name) => props.dispatchKey('services', name, { service: svc.name }) }];
}

export function ServicesPane(props: ServicesPaneProps): React.JSX.Element {
  const { theme, intents } = useView();
  const now = useNow();
  const services = paneServices(props.host);
  const list = useList(services, (s) => s.name);
  const [focusSeen, setFocusSeen] = useState<number | undefined>(undefined);
  if (props.focus && props.focus.seq !== focusSeen) {
    const name = props.focus.service;
    setFocusSeen(props.focus.seq);
    const svc = services.find((s) => sanitizeLine(s.name) === name);
    if (svc) list.select(svc.name);
  }
  const cursor = props.cursor;
  const selectedName = list.item?.name;
  // In the commit itself: a `:restart` typed right after `j` acts on the service `j` selected.
  useLayoutEffect(() => {
    if (!cursor) return;
    cursor.current = selectedName;
    return () => {
      cursor.current = undefined;
    };
  }, [cursor, selectedName]);
  // Service verbs the planner would refuse for the selected service: said under the table, whole.
  const blocked = selectedName === undefined ? [] : unavailableVerbs(serviceVerbs(props.registry), (action) => intents.unavailable?.({ action, machineId: props.host.machine.id, params: { service: selectedName } }));
  const blockedRows = blocked.flatMap((b) => wrap(`${b.keys} unavailable: ${sanitizeLine(b.reason)}`, props.width));
  const tableHeight = Math.max(1, props.height - 1 - blockedRows.length);

  return (
    <Box flexDirection="column">
      <ListScreen
        list={list}
        columns={columns(theme, now)}
        height={tableHeight}
        width={props.width}
        inputRef={props.inputRef}
        actions={serviceActions(props)}
        emptyText={props.host.probe ? 'no services reported' : 'not probed yet'}
      />
      {blockedRows.map((row, i) => (
        <Text key={i} color={theme.muted} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}
