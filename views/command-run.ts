import type { ActionPlan } from '../src/model/index.js';
import type { Command } from '../src/commands/index.js';
import type { FleetStore, Intents } from '../src/store/index.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';
import { markedRequest } from './marks.js';
import { defaultSortDesc } from '../src/store/selectors.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { GridUi } from './FleetGrid.js';
import type { Tab } from './HostView.js';

export type Screen =
  | { name: 'grid' }
  | { name: 'events' }
  | { name: 'host'; machineId: string; tab: Tab; focus?: { service: string; seq: number } }
  /** A log followed across several hosts (:plogs); title says what and where. */
  | { name: 'pool-logs'; title: string };

/** What a command may change: App's screen state and its dialogs. */
export interface CommandTarget {
  screen: Screen;
  setScreen: (screen: Screen) => void;
  setGridUi: (update: (ui: GridUi) => GridUi) => void;
  intents: Intents;
  store: FleetStore;
  confirm: (plan: ActionPlan) => void;
  /** With hosts marked: the same action over the marked hosts (asks with every host listed). */
  confirmMarked: (confirm: PoolConfirm) => void;
  notify: (text: string, level: 'info' | 'warning' | 'error') => void;
  showHelp: () => void;
  quit: () => void;
  /** A fresh number for each focus request (the Services pane moves its cursor once per request). */
  nextSeq: () => number;
  /** Opens the shell on a host (the terminal handed to ssh). */
  shell: (machineId: string) => void;
  /** Marks or unmarks the hosts a filter matches (unmark with an empty filter: all). */
  mark: (filter: string, on: boolean) => void;
}

const gridWith = (t: CommandTarget, filter: string) => {
  t.setScreen({ name: 'grid' });
  t.setGridUi((u) => ({ ...u, filter, selectedId: undefined }));
};

/** Runs a parsed command. Action commands (registered only outside read-only mode) only ever reach the confirmation dialog, as their keys do. */
export function runCommand(cmd: Command, t: CommandTarget): void {
  const host = t.screen.name === 'host' ? t.screen : undefined;
  switch (cmd.name) {
    case 'hosts':
      return gridWith(t, '');
    case 'host':
      return t.setScreen({ name: 'host', machineId: cmd.machineId, tab: 'Services' });
    case 'pool':
      return gridWith(t, `pool:${cmd.pool}`);
    case 'svc':
      if (host) return t.setScreen({ ...host, tab: 'Services', focus: { service: cmd.service, seq: t.nextSeq() } });
      return gridWith(t, `svc:${cmd.service}`);
    case 'findings':
      if (host) return t.setScreen({ ...host, tab: 'Findings' });
      return gridWith(t, 'sev:info');
    case 'logs':
      if (!host) return;
      t.setScreen({ ...host, tab: 'Logs' });
      if (cmd.sourceId) t.intents.openLog(host.machineId, cmd.sourceId);
      return;
    case 'plogs':
      t.intents.openPoolLog(cmd.machineIds, cmd.sourceId);
      return t.setScreen({ name: 'pool-logs', title: cmd.title });
    case 'service-action': {
      if (!host) return;
      t.setScreen({ ...host, tab: 'Services', focus: { service: cmd.service, seq: t.nextSeq() } });
      const intent = { action: cmd.action, machineId: host.machineId, params: { service: cmd.service } };
      const bulk = markedRequest(t.store, t.intents, intent);
      if (bulk && 'refused' in bulk) return t.notify(`refused: ${sanitizeLine(bulk.refused)}`, 'error');
      if (bulk) return t.confirmMarked(bulk);
      const r = t.intents.plan(intent);
      if ('refused' in r) t.notify(`refused: ${sanitizeLine(r.refused)}`, 'error');
      else t.confirm(r.plan);
      return;
    }
    case 'filter':
      return gridWith(t, cmd.filter);
    case 'sort':
      t.setScreen({ name: 'grid' });
      return t.setGridUi((u) => ({ ...u, sortKey: cmd.key, sortDesc: cmd.desc ?? defaultSortDesc(cmd.key) }));
    case 'events':
      return t.setScreen({ name: 'events' });
    case 'mark':
      return t.mark(cmd.filter, true);
    case 'unmark':
      return t.mark(cmd.filter, false);
    case 'ssh':
      return t.shell(cmd.machineId);
    case 'help':
      return t.showHelp();
    case 'quit':
      return t.quit();
  }
}
