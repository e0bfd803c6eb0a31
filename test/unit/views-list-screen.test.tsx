// The list screens keep the cursor on the same item, not on the same row: when a poll re-sorts a
// list or inserts rows above the cursor, the selected finding (service, host) stays selected, and a
// key acts on it, never on whatever moved into its row.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type React from 'react';
import { render, cleanup } from 'ink-testing-library';
import type { Key } from 'ink';
import { App } from '../../views/App.js';
import { ViewContext } from '../../views/context.js';
import { ListScreen, useList, type RowAction } from '../../views/ListScreen.js';
import { moveSelection, navigationMove, rowIds, selectedRow, selectId, type ListSelection } from '../../views/list-selection.js';
import type { PaneInput } from '../../views/pane.js';
import type { Column } from '../../views/Table.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { Finding } from '../../src/model/index.js';
import { fleetStore, NOW, PHP_DOWN, probe, RecordingIntents, service, typeKeys } from './views-fixtures.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
afterEach(() => cleanup());

const finding = (cls: Finding['class'], severity: Finding['severity'], subject: string, evidence: string): Finding => ({
  machineId: 'web2',
  class: cls,
  severity,
  summary: `${subject} ${severity}`,
  evidence: [evidence],
  subject,
  repairs: [{ action: 'service.restart', params: { service: subject }, label: `restart ${subject}` }],
});

const NGINX_SLOW = finding('service-restart-loop', 'warning', 'nginx', 'EVIDENCE-NGINX');
const CRON_SLOW = finding('service-restart-loop', 'warning', 'cron', 'EVIDENCE-CRON');
const SSHD_DOWN = finding('service-down', 'critical', 'sshd', 'EVIDENCE-SSHD');

async function web2(findings: Finding[], services = [service('nginx'), service('php-fpm', 'failed')]) {
  const store = fleetStore();
  const poll = (f: Finding[], s = services) =>
    store.getState().applyPolls([{ result: { machineId: 'web2', at: NOW, reach: 'ok', latencyMs: 40, probe: probe('web2', { services: s }) }, findings: f }]);
  poll(findings);
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await tick();
  const press = (...keys: string[]) => typeKeys(r, ...keys);
  await press('/', 'w', 'e', 'b', '2', '\r', '\r');
  return { r, store, intents, poll, press, frame: () => r.lastFrame() ?? '' };
}

test('Findings: a poll that re-sorts the list keeps the cursor on the same finding, and Enter repairs that one', async () => {
  const a = await web2([NGINX_SLOW, CRON_SLOW]);
  await a.press('4', 'j');
  assert.match(a.frame(), /EVIDENCE-CRON/, 'the second finding is selected');
  // A critical finding sorts first: every row below it moves down by one.
  a.poll([NGINX_SLOW, CRON_SLOW, SSHD_DOWN]);
  await tick(60);
  let f = a.frame();
  assert.match(f, /critical\s+service-down\s+sshd critical/, f);
  assert.match(f, /EVIDENCE-CRON/, 'the cursor stayed on the cron finding');
  assert.doesNotMatch(f, /EVIDENCE-NGINX/);
  // The finding above it goes away: still the same one.
  a.poll([SSHD_DOWN, CRON_SLOW]);
  await tick(60);
  f = a.frame();
  assert.match(f, /EVIDENCE-CRON/, f);
  await a.press('\r');
  assert.deepEqual(a.intents.called('plan')[0]?.args[0], { action: 'service.restart', machineId: 'web2', params: { service: 'cron' } });
});

test('Findings: when the selected finding clears, the cursor stays on its row (the next finding), not on the first', async () => {
  const a = await web2([SSHD_DOWN, NGINX_SLOW, CRON_SLOW]);
  await a.press('4', 'j');
  assert.match(a.frame(), /EVIDENCE-NGINX/);
  a.poll([SSHD_DOWN, CRON_SLOW]);
  await tick(60);
  assert.match(a.frame(), /EVIDENCE-CRON/);
});

test('Services: a service reported above the cursor does not move it; r restarts the service that was selected', async () => {
  const a = await web2([PHP_DOWN]);
  await a.press('j');
  a.poll([PHP_DOWN], [service('apache2'), service('nginx'), service('php-fpm', 'failed')]);
  await tick(60);
  assert.match(a.frame(), /apache2/);
  await a.press('r');
  assert.deepEqual(a.intents.called('plan')[0]?.args[0], { action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } });
});

test('Findings: the first finding, selected without a key, stays selected when a critical one sorts above it', async () => {
  const a = await web2([NGINX_SLOW, CRON_SLOW]);
  await a.press('4');
  assert.match(a.frame(), /EVIDENCE-NGINX/);
  a.poll([NGINX_SLOW, CRON_SLOW, SSHD_DOWN]);
  await tick(60);
  assert.match(a.frame(), /EVIDENCE-NGINX/);
  await a.press('k');
  assert.match(a.frame(), /EVIDENCE-SSHD/, 'k moves up from the row the cursor is drawn on');
});

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false, eventType: undefined,
};
const key = (set: Partial<Key>): Key => ({ ...NO_KEY, ...set });

test('selection by id: a repeated id gets its own row; the cursor follows its item, else keeps its row', () => {
  assert.deepEqual(rowIds(['a', 'b', 'a', 'a'], (x) => x), ['a', 'b', 'a\u00001', 'a\u00002']);
  const ids = ['a', 'b', 'c', 'd'];
  assert.equal(selectedRow(ids, { id: 'c', index: 0 }), 2);
  assert.equal(selectedRow(['x', ...ids], { id: 'c', index: 2 }), 3, 'inserted above: the same item');
  assert.equal(selectedRow(['a', 'b', 'd'], { id: 'c', index: 2 }), 2, 'gone: the row it was on');
  assert.equal(selectedRow(['a'], { id: 'c', index: 2 }), 0, 'gone and the list shorter: the last row');
  assert.equal(selectedRow([], { id: 'c', index: 2 }), -1);
  assert.equal(selectedRow(ids, { index: 0 }, () => 3), 3, 'no id: the fallback');
  assert.deepEqual(selectId(ids, { index: 0 }, 'd'), { id: 'd', index: 3 });
  assert.deepEqual(selectId(ids, { index: 1, id: 'b' }, 'zz'), { index: 1, id: 'b' });
});

test('navigation keys move by one, by a page, to the ends, and stop there', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `i${i}`);
  const move = (sel: ListSelection, input: string, k: Partial<Key> = {}) => {
    const m = navigationMove(input, key(k), 10);
    assert.ok(m, `a move for ${input || JSON.stringify(k)}`);
    return moveSelection(ids, sel, m);
  };
  let sel: ListSelection = { index: 0 };
  sel = move(sel, 'j');
  assert.deepEqual(sel, { id: 'i1', index: 1 });
  sel = move(sel, '', { pageDown: true });
  assert.deepEqual(sel, { id: 'i11', index: 11 });
  sel = move(sel, 'G');
  assert.deepEqual(sel, { id: 'i29', index: 29 });
  sel = move(sel, '', { downArrow: true });
  assert.deepEqual(sel, { id: 'i29', index: 29 }, 'stays at the end');
  sel = move(sel, '', { pageUp: true });
  assert.deepEqual(sel, { id: 'i19', index: 19 });
  sel = move(sel, 'g');
  assert.deepEqual(sel, { id: 'i0', index: 0 });
  sel = move(sel, 'k');
  assert.deepEqual(sel, { id: 'i0', index: 0 }, 'stays at the top');
  assert.equal(navigationMove('x', NO_KEY, 10), null);
  assert.deepEqual(moveSelection([], { index: 3 }, { by: 1 }), { index: 3 });
});

interface Host {
  name: string;
  load: number;
}

/** A list screen of 1,000 rows on its own, with the handle its keys are read through. */
function Hosts(props: { hosts: Host[]; input: { current: PaneInput | null }; opened: string[] }): React.JSX.Element {
  const list = useList(props.hosts, (h) => h.name);
  const columns: Column<Host>[] = [
    { key: 'name', header: 'NAME', width: 10 },
    { key: 'load', header: 'LOAD', width: 6, align: 'right', value: (h) => h.load.toFixed(0) },
  ];
  const open: RowAction<Host> = { keys: ['Enter'], run: (h) => void props.opened.push(h.name) };
  return <ListScreen list={list} columns={columns} height={5} width={17} inputRef={props.input} actions={[open]} />;
}

test('1,000 rows: only the window around the cursor is drawn; a re-sort of all of them keeps the cursor on its host', async () => {
  const store = fleetStore();
  const ctx = { store, intents: new RecordingIntents(store), theme: NO_COLOR_THEME };
  const hosts = Array.from({ length: 1000 }, (_, i) => ({ name: `h${String(i).padStart(4, '0')}`, load: i }));
  const input = { current: null as PaneInput | null };
  const opened: string[] = [];
  const view = (list: Host[]) => (
    <ViewContext.Provider value={ctx}>
      <Hosts hosts={list} input={input} opened={opened} />
    </ViewContext.Provider>
  );
  const r = render(view(hosts));
  const rowsOf = () => (r.lastFrame() ?? '').split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]);
  const press = async (name: string, k: Partial<Key> = {}) => {
    assert.ok(input.current?.(name, key(k)));
    await tick();
  };
  for (let i = 0; i < 3; i++) await press('', { pageDown: true });
  await press('j');
  assert.deepEqual(rowsOf(), ['h0014', 'h0015', 'h0016', 'h0017', 'h0018'], 'the window, cursor in the middle');
  // Sorted by load, highest first: h0016 is now row 983.
  r.rerender(view([...hosts].sort((a, b) => b.load - a.load)));
  await tick();
  assert.deepEqual(rowsOf(), ['h0018', 'h0017', 'h0016', 'h0015', 'h0014']);
  await press('', { return: true });
  assert.deepEqual(opened, ['h0016']);
  assert.equal(input.current?.('x', NO_KEY), false, 'a key the list does not bind goes on to the screen');
});
