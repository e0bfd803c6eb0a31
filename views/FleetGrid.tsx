import React, { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useStore } from 'zustand';
import { defaultSortDesc, fleetRows, SORT_KEYS, type FleetRow } from '../src/store/selectors.js';
import { useNow, useView } from './context.js';
import { footerText, READ_ONLY_REFUSAL } from './keymap.js';
import { Table } from './Table.js';
import { gridColumns, gridEmptyText, gridStatus, groupRow, initialSelection, rowId, type GridUi } from './grid-columns.js';
import { fit } from './text.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useTerminalSize } from './use-terminal-size.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';
import { poolRepairHosts } from '../src/store/pool-hosts.js';
import { useRegistry } from './use-registry.js';

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
  /** `:` opens the command bar. */
  onCommand?: () => void;
}

/** Next row index from `from` in direction `step` (pool headers are selectable: A accepts a pool); stays put at the ends. */
function moveSelection(rows: FleetRow[], from: number, step: number): number {
  if (rows.length === 0) return -1;
  return Math.max(0, Math.min(rows.length - 1, from + step));
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
  const { ui, setUi } = props;
  const [editing, setEditing] = useState<string | null>(null);
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

  const rows = useMemo(
    () => fleetRows({ hosts, order }, { filter: ui.filter, sortKey: ui.sortKey, sortDesc: ui.sortDesc, groupByPool: ui.groupByPool, now }),
    [hosts, order, ui.filter, ui.sortKey, ui.sortDesc, ui.groupByPool, now],
  );
  const columns = useMemo(() => gridColumns(theme), [theme]);
  const tableHeight = Math.max(1, props.height - 2);

  const selected = initialSelection(rows, ui);
  const selectedRow = rows[selected];

  const select = (index: number) => {
    const r = rows[index];
    if (r) setUi((u) => ({ ...u, selectedId: rowId(r) }));
  };
  // Relative moves start from the latest selection, not this render's: keys typed faster than frames are all kept.
  const moveBy = (delta: number) =>
    setUi((u) => {
      const r = rows[moveSelection(rows, initialSelection(rows, u), delta)];
      return r ? { ...u, selectedId: rowId(r) } : u;
    });

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
      if (editing !== null) {
        if (key.return) {
          const filter = editing.trim();
          setEditing(null);
          setUi((u) => ({ ...u, filter, selectedId: undefined }));
        } else if (key.escape) {
          setEditing(null);
          setUi((u) => ({ ...u, filter: '', selectedId: undefined }));
        } else if (key.backspace || key.delete) {
          setEditing((e) => (e ?? '').slice(0, -1));
        } else if (input && !key.ctrl && !key.meta) {
          setEditing((e) => (e ?? '') + sanitizeLine(input));
        }
        return;
      }
      if (input === 'j' || key.downArrow) moveBy(1);
      else if (input === 'k' || key.upArrow) moveBy(-1);
      else if (key.pageDown) moveBy(tableHeight);
      else if (key.pageUp) moveBy(-tableHeight);
      else if (input === 'g' || key.home) select(moveSelection(rows, 0, 0));
      else if (input === 'G' || key.end) select(moveSelection(rows, rows.length - 1, 0));
      else if (input === '/') setEditing(ui.filter);
      else if (input === 's') {
        setUi((u) => {
          const next = SORT_KEYS[(SORT_KEYS.indexOf(u.sortKey) + 1) % SORT_KEYS.length] ?? 'name';
          return { ...u, sortKey: next, sortDesc: defaultSortDesc(next) };
        });
      } else if (input === 'S') setUi((u) => ({ ...u, sortDesc: !u.sortDesc }));
      else if (input === 'p') setUi((u) => ({ ...u, groupByPool: !u.groupByPool }));
      else if (key.return) {
        if (selectedRow && selectedRow.kind === 'host') props.onOpen(selectedRow.id);
      } else if (registry.withheld('grid', input)) store.getState().notify(READ_ONLY_REFUSAL, 'warning');
      else if (registry.keyEntry('grid', input)) {
        const entry = registry.keyEntry('grid', input)!;
        if (entry.intent.kind === 'accept-baseline' && selectedRow) setAcceptAsk(acceptQuestion(selectedRow));
        else if (entry.intent.kind === 'plan' && entry.scope === 'pool' && selectedRow) requestPoolAction(entry.intent.action, selectedRow);
      } else if (input === 'R') intents.refresh();
      else if (input === '?') props.onHelp();
      else if (input === ':') props.onCommand?.();
      else if (key.escape && ui.filter) setUi((u) => ({ ...u, filter: '', selectedId: undefined }));
      else if (input === 'q') props.onQuit();
    },
    props.active,
  );

  const width = useTerminalSize().columns;
  const status = gridStatus(rows, selected, ui);

  return (
    <Box flexDirection="column">
      <Table
        data={rows}
        columns={columns}
        selectedIndex={selected}
        height={tableHeight}
        rowKey={rowId}
        fullRow={(r) => groupRow(r, theme)}
        emptyText={gridEmptyText(ui)}
      />
      {acceptAsk ? (
        <Text bold color={theme.warning} wrap="truncate-end">
          {fit(`${acceptAsk.question} y/N`, width)}
        </Text>
      ) : editing !== null ? (
        <Text wrap="truncate-end">
          <Text color={theme.accent}>/</Text>
          {fit(editing + '█', width - 1)}
        </Text>
      ) : (
        <Text wrap="truncate-end" color={theme.muted}>
          {fit(`${status} │ ${footerText([...registry.hints('grid', 'builtin'), ...registry.hints('grid', 'user')])}`, width)}
        </Text>
      )}
    </Box>
  );
}
