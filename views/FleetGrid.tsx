import type React from 'react';
import { useMemo, useRef, useState } from 'react';
import { Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useStore } from 'zustand';
import { defaultSortDesc, fleetRows, hasCloudRows, SORT_KEYS, type FleetRow } from '../src/store/selectors.js';
import { useNow, useView } from './context.js';
import { footerText, READ_ONLY_REFUSAL } from './keymap.js';
import { ListScreen, useList, type RowAction } from './ListScreen.js';
import type { PaneInput } from './pane.js';
import { firstHostRow, gridColumns, gridEmptyText, gridStatus, groupRow, rowId, TREND_CELLS, type GridUi } from './grid-columns.js';
import { trendSpark } from './trend-text.js';
import { fit } from './text.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useTerminalSize } from './use-terminal-size.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';
import { poolRepairHosts } from '../src/store/pool-hosts.js';
import { useRegistry } from './use-registry.js';
import { useRowsClock } from './use-rows-clock.js';
import { poolLogsPrefill } from '../src/commands/pool-logs-prefill.js';

export { INITIAL_GRID_UI, type GridUi } from './grid-columns.js';

export interface FleetGridProps {
  active: boolean;
  /** Rows available to the grid, footer included. */
  height: number;
  ui: GridUi;
  setUi: (update: (ui: GridUi) => GridUi) => void;
  onOpen: (machineId: string) => void;
  onHelp: () => void;
  onQuit: () => void;
  /** A pool-scoped user action planned for its canary: ask before the rollout. */
  onConfirmPool?: (confirm: PoolConfirm) => void;
  /** `:` opens the command bar; a key proposing a command opens it with that text. */
  onCommand?: (initialText?: string) => void;
}

type AcceptAsk = { scope: { machineId: string } | { pool: string }; question: string };

function acceptQuestion(r: FleetRow): AcceptAsk {
  if (r.kind === 'host') return { scope: { machineId: r.id }, question: `Accept the current state of ${sanitizeLine(r.name)} as good (new baseline)?` };
  return {
    scope: { pool: r.pool },
    question: `Accept the current state of all ${r.count} host${r.count === 1 ? '' : 's'} of pool ${sanitizeLine(r.pool)} as good (new baselines)?`,
  };
}

export function FleetGrid(props: FleetGridProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const now = useNow();
  const hosts = useStore(store, (s) => s.hosts);
  const order = useStore(store, (s) => s.order);
  const marked = useStore(store, (s) => s.marked);
  const { ui, setUi } = props;
  const [acceptAsk, setAcceptAsk] = useState<AcceptAsk | null>(null);
  const registry = useRegistry();

  // On a pool header the pool's first host is the canary; on a host row, that host (in its pool).
  const requestPoolAction = (action: string, row: FleetRow) => {
    const s = store.getState();
    const canary = row.kind === 'host' ? row.id : s.order.find((id) => s.hosts[id]?.machine.pool === row.pool);
    if (!canary) return s.notify(`pool ${sanitizeLine(row.kind === 'group' ? row.pool : '')} has no host`, 'warning');
    const request = { machineId: canary, action, params: {} };
    const r = intents.plan(request);
    if ('refused' in r) return s.notify(`refused: ${sanitizeLine(r.refused)}`, 'error');
    props.onConfirmPool?.({ plan: r.plan, request, hosts: poolRepairHosts(s, canary) });
  };

  const rowsAt = useRowsClock(hosts, order, now);
  const rows = useMemo(
    () => fleetRows({ hosts, order, marked }, { filter: ui.filter, sortKey: ui.sortKey, sortDesc: ui.sortDesc, groupByPool: ui.groupByPool, now: rowsAt }),
    [hosts, order, marked, ui.filter, ui.sortKey, ui.sortDesc, ui.groupByPool, rowsAt],
  );
  const ec2 = useMemo(() => hasCloudRows(rows), [rows]);
  const trends = useStore(store, (s) => s.trends);
  const columns = useMemo(
    () => gridColumns(theme, { now, ec2, trend: ui.trendColumn ? (id) => trendSpark(trends, id, 'load', now, TREND_CELLS) : undefined }),
    [theme, ec2, ui.trendColumn, trends, now],
  );
  const tableHeight = Math.max(1, props.height - 2);

  // The selection lives in GridUi (it survives drilling into a host); with none, the first host (as the first paint).
  const list = useList(rows, rowId, {
    state: [{ id: ui.selectedId, index: -1 }, (f) => setUi((u) => ({ ...u, selectedId: f({ id: u.selectedId, index: -1 }).id }))],
    fallback: () => firstHostRow(rows),
  });
  const setFilter = (filter: string) => setUi((u) => ({ ...u, filter, selectedId: undefined }));

  const actions: RowAction<FleetRow>[] = [
    { keys: ['Enter'], run: (r) => (r.kind === 'host' ? props.onOpen(r.id) : undefined) },
    { keys: [' '], run: (r) => (r.kind === 'host' ? store.getState().toggleMark(r.id) : undefined) },
    {
      // The grid's registered actions on the selected row: accept as good, pool actions (canary first).
      keys: () => true,
      run: (r, name) => {
        if (registry.withheld('grid', name)) return store.getState().notify(READ_ONLY_REFUSAL, 'warning');
        const entry = registry.keyEntry('grid', name);
        const intent = entry?.intent;
        if (intent?.kind === 'accept-baseline') return setAcceptAsk(acceptQuestion(r));
        if (intent?.kind === 'plan' && entry?.scope === 'pool') return requestPoolAction(intent.action, r);
        if (intent?.kind === 'view' && intent.name === 'pool-logs') {
          if (r.kind === 'group') return props.onCommand?.(poolLogsPrefill(store.getState(), r.pool));
          return store.getState().notify('pool logs: select a pool header row (p groups the grid by pool), or type :plogs', 'info');
        }
        return false;
      },
    },
  ];
  const listInput = useRef<PaneInput | null>(null);

  useKeys(
    (input, key) => {
      if (acceptAsk) {
        setAcceptAsk(null);
        if (input === 'y') {
          intents.acceptBaseline(acceptAsk.scope).catch((err: unknown) =>
            store.getState().notify(`accept failed: ${sanitizeLine(err instanceof Error ? err.message : String(err))}`, 'error'),
          );
        }
        return;
      }
      if (listInput.current?.(input, key)) return;
      if (input === 's') {
        setUi((u) => {
          const next = SORT_KEYS[(SORT_KEYS.indexOf(u.sortKey) + 1) % SORT_KEYS.length] ?? 'name';
          return { ...u, sortKey: next, sortDesc: defaultSortDesc(next) };
        });
      } else if (input === 'S') setUi((u) => ({ ...u, sortDesc: !u.sortDesc }));
      else if (input === 'p') setUi((u) => ({ ...u, groupByPool: !u.groupByPool }));
      else if (input === 't') setUi((u) => ({ ...u, trendColumn: !u.trendColumn }));
      else if (input === 'R') intents.refresh();
      // A key read-only mode withheld, with no row to act on (an empty or filtered-out grid), is still refused with the reason.
      else if (registry.withheld('grid', input)) store.getState().notify(READ_ONLY_REFUSAL, 'warning');
      else if (input === '?') props.onHelp();
      else if (input === ':') props.onCommand?.();
      else if (input === 'q') props.onQuit();
    },
    props.active,
  );

  const width = useTerminalSize().columns;
  const status = gridStatus(rows, list.index, ui, marked.size);

  return (
    <ListScreen
      list={list}
      columns={columns}
      height={tableHeight}
      inputRef={listInput}
      actions={actions}
      filter={{ value: ui.filter, apply: setFilter }}
      fullRow={(r) => groupRow(r, theme)}
      emptyText={gridEmptyText(ui)}
      footer={
        acceptAsk ? (
          <Text bold color={theme.warning} wrap="truncate-end">
            {fit(`${acceptAsk.question} y/N`, width)}
          </Text>
        ) : (
          <Text wrap="truncate-end" color={theme.muted}>
            {fit(`${status} │ ${footerText([...registry.hints('grid', 'builtin'), ...registry.hints('grid', 'user')])}`, width)}
          </Text>
        )
      }
    />
  );
}
