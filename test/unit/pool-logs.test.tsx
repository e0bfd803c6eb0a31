// Pool logs: the command's checks, the scrollback bounded with each line's host kept beside it,
// the host prefix, and the pool log screen in the console (search, pause, close).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { parsePoolLogs } from '../../src/commands/parse-pool-logs.js';
import { commandContext, parseCommand } from '../../src/commands/index.js';
import { createFleetStore, POOL_LOG_ID } from '../../src/store/index.js';
import { App } from '../../views/App.js';
import { hostColor, poolLogPrefix } from '../../views/pool-log-prefix.js';
import { DEFAULT_THEME, NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, machine, RecordingIntents, typeKeys } from './views-fixtures.js';
import { poolLogsPrefill } from '../../src/commands/pool-logs-prefill.js';

afterEach(() => cleanup());

const POOLS = { poolMembers: { web: ['web1', 'web2'], db: ['db1'] }, marked: [] };

test(':plogs checks its target and source: a pool or the marked hosts, a unit (bare or -u) or an absolute path', () => {
  assert.deepEqual(parsePoolLogs('web -u apache2', POOLS), { ok: true, machineIds: ['web1', 'web2'], sourceId: 'unit:apache2', title: 'pool web · unit:apache2' });
  assert.deepEqual(parsePoolLogs('WEB nginx.service', POOLS), { ok: true, machineIds: ['web1', 'web2'], sourceId: 'unit:nginx.service', title: 'pool WEB · unit:nginx.service' });
  assert.equal((parsePoolLogs('db /var/log/syslog', POOLS) as { sourceId: string }).sourceId, 'file:/var/log/syslog');
  assert.deepEqual(parsePoolLogs('marked -u cron', { ...POOLS, marked: ['db1'] }), { ok: true, machineIds: ['db1'], sourceId: 'unit:cron', title: 'marked hosts · unit:cron' });
  assert.deepEqual(parsePoolLogs('marked -u cron', POOLS), { ok: false, message: 'no host is marked' });
  assert.match((parsePoolLogs('cache -u x', POOLS) as { message: string }).message, /no pool "cache" — pools: db, web/);
  assert.match((parsePoolLogs('web', POOLS) as { message: string }).message, /one source/);
  assert.match((parsePoolLogs('web a b', POOLS) as { message: string }).message, /one source/);
  assert.match((parsePoolLogs("web -u 'a;rm'", POOLS) as { message: string }).message, /neither a unit name nor an absolute path/);
  assert.match((parsePoolLogs('web -u /var/log/x', POOLS) as { message: string }).message, /neither/, '-u takes a unit, not a path');
  assert.match((parsePoolLogs('web /var/log/../../etc/shadow', POOLS) as { message: string }).message, /must not contain \.\./);
});

test(':plogs through the command parser: pools and marks from the fleet (marks read when the store keeps them)', () => {
  const store = fleetStore();
  const parsed = parseCommand('plogs web -u nginx', commandContext(store.getState()));
  assert.deepEqual(parsed, { ok: true, command: { name: 'plogs', machineIds: ['web1', 'web2'], sourceId: 'unit:nginx', title: 'pool web · unit:nginx' } });
  const marked = { ...store.getState(), marked: new Set(['db1', 'gone']) };
  const m = parseCommand('plogs marked /var/log/syslog', commandContext(marked));
  assert.ok(m.ok && m.command.name === 'plogs' && m.command.machineIds.join() === 'db1', JSON.stringify(m));
});

test('a pool log\'s scrollback is bounded in lines and bytes with each line\'s host trimmed beside it', () => {
  const store = createFleetStore({ logScrollback: 4, logScrollbackBytes: 1000 });
  store.getState().openLog(POOL_LOG_ID, 'unit:x', ['web1', 'web2']);
  store.getState().appendLog(['a0', 'b0', 'a1'], [0, 1, 0]);
  store.getState().appendLog(['b1', 'b2', 'a2'], [1, 1, 0]);
  let log = store.getState().log!;
  assert.deepEqual(log.lines, ['a1', 'b1', 'b2', 'a2']);
  assert.deepEqual(log.origins, [0, 1, 1, 0]);
  assert.equal(log.dropped, 2);
  store.getState().appendLog(['x'.repeat(400), 'y'.repeat(400)], [1, 0]);
  log = store.getState().log!;
  assert.deepEqual(log.lines.map((l) => l[0]), ['y'], 'the byte cap drops lines and their hosts together');
  assert.deepEqual(log.origins, [0]);
  assert.equal(log.lines.length, log.origins!.length);
  store.getState().openLog('web1', 'unit:x');
  assert.equal(store.getState().log!.origins, undefined, 'a one-host log has no origins');
});

test('host prefix: names cut to a shared width, a stable theme colour per host, none with NO_COLOR', () => {
  const store = createFleetStore();
  store.getState().openLog(POOL_LOG_ID, 'unit:x', ['w1', 'w2']);
  store.getState().appendLog(['l0', 'l1', 'l2'], [1, 0, -1]);
  const names = { w1: 'web1', w2: 'web-number-two-is-long\u001b[31m' };
  const p = poolLogPrefix(store.getState().log!, names, DEFAULT_THEME);
  assert.equal(p.width, 19);
  assert.equal(p.of(0).text, 'web-number-two-… │ ', 'cut to 16 columns, control characters never drawn');
  assert.equal(p.of(1).text, 'web1             │ ');
  assert.equal(p.of(2).text, ' '.repeat(19), 'a line of no host (a marker) has a blank prefix');
  assert.equal(p.of(0).color, hostColor(DEFAULT_THEME, 'w2'));
  assert.equal(hostColor(DEFAULT_THEME, 'w2'), hostColor(DEFAULT_THEME, 'w2'));
  assert.equal(hostColor(NO_COLOR_THEME, 'w2'), undefined);
});

test('the console: :plogs opens the pool log screen; lines behind their hosts; / finds one and pauses; q closes back to the grid', async () => {
  const store = fleetStore({ logScrollback: 100 });
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => r.lastFrame() ?? '';
  await typeKeys(r, ':', ...'plogs web -u nginx', '\r');
  assert.deepEqual(intents.calls.find((c) => c.name === 'openPoolLog')?.args, [['web1', 'web2'], 'unit:nginx']);
  store.getState().appendLog(
    Array.from({ length: 40 }, (_, i) => `line ${i} ${i === 7 ? 'needle' : ''}`),
    Array.from({ length: 40 }, (_, i) => i % 2),
  );
  await typeKeys(r, 'w', 'w'); // a render after the lines landed
  assert.match(frame(), /pool web · unit:nginx · 2 hosts · streaming · following/);
  assert.match(frame(), /^web2 │ line 39\s*$/m);
  assert.match(frame(), /^web1 │ line 38\s*$/m);
  await typeKeys(r, '/', ...'needle', '\r');
  assert.match(frame(), /PAUSED · \/needle/);
  const rows = frame().split('\n');
  const status = rows.findIndex((l) => l.includes('/needle'));
  assert.match(rows[status + 1] ?? '', /^web2 │ line 7 needle/);
  assert.match(frame(), /Space pause .* q close/);
  await typeKeys(r, 'q');
  assert.ok(intents.calls.some((c) => c.name === 'closeLog'));
  assert.equal(store.getState().log, undefined);
  assert.match(frame(), /NAME\s+PROVIDER/, 'back on the grid');
});

test('pool logs prefill: the first unit every host of the pool declares, else the pool alone for the operator to finish', () => {
  const store = fleetStore();
  assert.equal(poolLogsPrefill(store.getState(), 'web'), 'plogs web -u nginx', 'web1 and web2 both declare nginx and php-fpm: the first');
  store.getState().setMachines([machine('web1', 'web'), machine('web2', 'web', { services: ['php-fpm'] }), machine('odd', 'web', { services: ['x;rm'] })]);
  assert.equal(poolLogsPrefill(store.getState(), 'web'), 'plogs web ', 'no unit shared by all three (and never an unsafe name)');
  store.getState().setMachines([machine('web1', 'web'), machine('web2', 'web', { services: ['php-fpm'] })]);
  assert.equal(poolLogsPrefill(store.getState(), 'web'), 'plogs web -u php-fpm');
});

test('the console: L on a pool header row opens the command bar with that pool\'s :plogs; Enter follows it; on a host row it says where L works', async () => {
  const store = fleetStore({ logScrollback: 100 });
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => r.lastFrame() ?? '';
  await typeKeys(r, 'L');
  assert.match(frame(), /pool logs: select a pool header row/);
  assert.equal(intents.calls.some((c) => c.name === 'openPoolLog'), false);
  // Grouped: cache header, cache1, new1, db header, db1, web header.
  await typeKeys(r, 'p', 'g', 'j', 'j', 'j', 'j', 'j', 'L');
  assert.match(frame(), /^:plogs web -u nginx█/m);
  await typeKeys(r, '\r');
  assert.deepEqual(intents.calls.find((c) => c.name === 'openPoolLog')?.args, [['web1', 'web2'], 'unit:nginx']);
  assert.match(frame(), /pool web · unit:nginx · 2 hosts/);
  await typeKeys(r, 'q', 'g', 'L');
  assert.match(frame(), /^:plogs cache -u redis█/m, 'the cache header: its own pool');
});
