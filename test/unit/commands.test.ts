import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMMANDS,
  commandContext,
  commonPrefix,
  completions,
  historyStep,
  parseCommand,
  pushHistory,
  tabComplete,
  type CommandContext,
  type PromptState,
} from '../../src/commands/index.js';
import { fleetStore, machine, probe, service } from './views-fixtures.js';

const grid = (readOnly = false) => commandContext(fleetStore({ readOnly }).getState());
const onWeb2 = (readOnly = false, selectedService?: string) =>
  commandContext(fleetStore({ readOnly }).getState(), { machineId: 'web2', ...(selectedService ? { selectedService } : {}) });

test('context: grid offers every host, pool and fleet service; a host offers its own services and log sources', () => {
  const g = grid();
  assert.equal(g.screen, 'grid');
  assert.deepEqual(g.hosts.map((h) => h.name), ['web1', 'web2', 'db1', 'cache1', 'new1']);
  assert.deepEqual(g.pools, ['cache', 'db', 'web']);
  assert.deepEqual(g.services, ['nginx', 'php-fpm', 'postgresql', 'redis']);
  assert.deepEqual(g.logSources, []);
  const h = onWeb2(false, 'nginx');
  assert.equal(h.screen, 'host');
  assert.deepEqual(h.services, ['nginx', 'php-fpm']);
  assert.deepEqual(h.logSources.map((s) => s.id), ['unit:nginx', 'file:/var/log/syslog']);
  assert.equal(h.selectedService, 'nginx');
});

test('context: names from probes are sanitized before they are offered', () => {
  const store = fleetStore();
  store.getState().setMachines([machine('evil', 'web', { services: [] })]);
  store.getState().applyPolls([
    { result: { machineId: 'evil', at: Date.now(), reach: 'ok', probe: probe('evil', { services: [service('bad\u001b]0;pwned\u0007x\u001b[2J')] }) }, findings: [] },
  ]);
  const ctx = commandContext(store.getState(), { machineId: 'evil' });
  assert.deepEqual(ctx.services, ['badx']);
  const c = completions(':svc b', ctx);
  for (const cand of c.candidates) assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(cand), JSON.stringify(cand));
});

test('parse: every command resolves its argument against the fleet', () => {
  const ok = (text: string, ctx: CommandContext) => {
    const r = parseCommand(text, ctx);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
    return r.command;
  };
  assert.deepEqual(ok(':hosts', grid()), { name: 'hosts' });
  assert.deepEqual(ok('host web2', grid()), { name: 'host', machineId: 'web2' });
  assert.deepEqual(ok(':host WEB2', grid()), { name: 'host', machineId: 'web2' });
  assert.deepEqual(ok(':pool web', grid()), { name: 'pool', pool: 'web' });
  assert.deepEqual(ok(':svc redis', grid()), { name: 'svc', service: 'redis' });
  assert.deepEqual(ok(':service php-fpm', onWeb2()), { name: 'svc', service: 'php-fpm' });
  assert.deepEqual(ok(':logs', onWeb2()), { name: 'logs' });
  assert.deepEqual(ok(':logs unit:nginx', onWeb2()), { name: 'logs', sourceId: 'unit:nginx' });
  assert.deepEqual(ok(':logs /var/log/syslog', onWeb2()), { name: 'logs', sourceId: 'file:/var/log/syslog' });
  assert.deepEqual(ok(':findings', grid()), { name: 'findings' });
  assert.deepEqual(ok(':restart php-fpm', onWeb2()), { name: 'service-action', verb: 'restart', action: 'service.restart', service: 'php-fpm' });
  assert.deepEqual(ok(':stop', onWeb2(false, 'nginx')), { name: 'service-action', verb: 'stop', action: 'service.stop', service: 'nginx' });
  assert.deepEqual(ok(':filter state:down sev:crit', grid()), { name: 'filter', filter: 'state:down sev:crit' });
  assert.deepEqual(ok(':filter', grid()), { name: 'filter', filter: '' });
  assert.deepEqual(ok(':sort load', grid()), { name: 'sort', key: 'load' });
  assert.deepEqual(ok(':sort name desc', grid()), { name: 'sort', key: 'name', desc: true });
  assert.deepEqual(ok(':help', onWeb2()), { name: 'help' });
  assert.deepEqual(ok(':q', grid()), { name: 'quit' });
  assert.deepEqual(ok('  :quit  ', grid()), { name: 'quit' });
});

test('parse: unknown commands and bad arguments say what is valid', () => {
  const bad = (text: string, ctx: CommandContext) => {
    const r = parseCommand(text, ctx);
    assert.ok(!r.ok, text);
    return r.message;
  };
  const unknown = bad(':frobnicate', grid());
  assert.match(unknown, /unknown command :frobnicate/);
  assert.match(unknown, /hosts, host, pool, svc, plogs, findings, ssh, mark, unmark, filter, sort, events, help, quit/);
  assert.match(bad(':nope', onWeb2()), /logs, findings, restart, start, stop/);
  assert.match(bad(':host web9', grid()), /no host "web9" — hosts: web1, web2, db1, cache1, new1/);
  assert.match(bad(':host we', grid()), /no host "we" — did you mean web1, web2/);
  assert.match(bad(':pool nope', grid()), /pools: cache, db, web/);
  assert.match(bad(':svc mysql', onWeb2()), /no service "mysql" on this host — services: nginx, php-fpm/);
  assert.match(bad(':restart mysql', onWeb2()), /no service "mysql"/);
  assert.match(bad(':restart', onWeb2()), /needs a service/);
  assert.match(bad(':logs', grid()), /works on a host: open one first/);
  assert.match(bad(':restart nginx', grid()), /works on a host/);
  assert.match(bad(':hosts web', grid()), /takes no argument/);
  assert.match(bad(':host', grid()), /needs an argument: :host NAME/);
  assert.match(bad(':host web1 web2', grid()), /takes one argument/);
  assert.match(bad(':sort color', grid()), /keys: name, health, load/);
  assert.match(bad(':sort name up', grid()), /usage/);
  assert.match(bad(':logs unit:mysql', onWeb2()), /sources: unit:nginx, file:\/var\/log\/syslog/);
  assert.match(bad(':', grid()), /type a command/);
});

test('parse: read-only refuses every action command, wherever it is typed', () => {
  for (const c of COMMANDS.filter((x) => x.dangerous)) {
    for (const ctx of [grid(true), onWeb2(true, 'nginx')]) {
      for (const text of [`:${c.name}`, `:${c.name} nginx`]) {
        const r = parseCommand(text, ctx);
        assert.ok(!r.ok && r.reason === 'read-only', `${text} on ${ctx.screen}`);
      }
    }
  }
  assert.ok(parseCommand(':logs', onWeb2(true)).ok, 'looking is still allowed');
});

test('completion: command names by prefix, only those usable here', () => {
  assert.deepEqual(completions(':h', grid()).candidates, ['hosts', 'host', 'help']);
  assert.deepEqual(completions('', grid()).candidates.length, 14);
  assert.deepEqual(completions(':pl', grid()).candidates, ['plogs']);
  assert.deepEqual(completions(':plogs w', grid()).candidates, ['web'], 'the pool first');
  assert.deepEqual(completions(':s', onWeb2()).candidates, ['svc', 'start', 'stop', 'ssh', 'sort']);
  assert.deepEqual(completions(':ev', grid()).candidates, ['events']);
  assert.deepEqual(completions(':s', onWeb2(true)).candidates, ['svc', 'sort']);
  assert.deepEqual(completions(':re', onWeb2(true)).candidates, []);
  assert.deepEqual(completions(':l', grid()).candidates, []);
});

test('completion: arguments from the fleet state, none for action commands in read-only mode', () => {
  assert.deepEqual(completions(':host w', grid()).candidates, ['web1', 'web2']);
  assert.deepEqual(completions(':pool ', grid()).candidates, ['cache', 'db', 'web']);
  assert.deepEqual(completions(':svc p', grid()).candidates, ['php-fpm', 'postgresql']);
  assert.deepEqual(completions(':svc ', onWeb2()).candidates, ['nginx', 'php-fpm']);
  assert.deepEqual(completions(':logs u', onWeb2()).candidates, ['unit:nginx']);
  assert.deepEqual(completions(':restart ', onWeb2()).candidates, ['nginx', 'php-fpm']);
  assert.deepEqual(completions(':restart ', onWeb2(true)).candidates, []);
  assert.deepEqual(completions(':sort l', grid()).candidates, ['load', 'latency']);
  assert.deepEqual(completions(':hosts ', grid()).candidates, []);
  assert.deepEqual(completions(':host web1 ', grid()).candidates, []);
  const c = completions(':host  W', grid());
  assert.equal(c.from, 7);
  assert.deepEqual(c.candidates, ['web1', 'web2']);
});

test('Tab: completes a single candidate, narrows to the common prefix, then cycles', () => {
  const ctx = grid();
  const tab = (s: PromptState, back = false) => tabComplete(s, ctx, back);
  assert.deepEqual(tab({ text: ':po' }), { text: ':pool ' }, 'a command taking an argument gets its space');
  assert.deepEqual(tab({ text: ':hosts' }), { text: ':hosts' });
  assert.deepEqual(tab({ text: ':pool w' }), { text: ':pool web' });
  assert.deepEqual(tab({ text: ':host ca' }), { text: ':host cache1' });
  assert.deepEqual(tab({ text: ':host w' }), { text: ':host web' }, 'common prefix first');
  let s = tab({ text: ':host web' });
  assert.equal(s.text, ':host web1');
  s = tab(s);
  assert.equal(s.text, ':host web2');
  s = tab(s);
  assert.equal(s.text, ':host web1', 'wraps around');
  s = tab(s, true);
  assert.equal(s.text, ':host web2', 'Shift-Tab goes back');
  assert.deepEqual(tab({ text: ':zzz' }), { text: ':zzz' });
  assert.equal(commonPrefix(['php-fpm', 'postgresql']), 'p');
});

test('history: up walks back, down returns to the draft; repeats are stored once', () => {
  let h: string[] = [];
  h = pushHistory(h, ':pool web');
  h = pushHistory(h, ':pool web');
  h = pushHistory(h, ':host web2');
  h = pushHistory(h, '   ');
  assert.deepEqual(h, [':pool web', ':host web2']);
  let at = historyStep(h, undefined, -1, ':lo');
  assert.deepEqual(at, { index: 1, text: ':host web2' });
  at = historyStep(h, at.index, -1, ':lo');
  assert.deepEqual(at, { index: 0, text: ':pool web' });
  at = historyStep(h, at.index, -1, ':lo');
  assert.deepEqual(at, { index: 0, text: ':pool web' }, 'stops at the oldest');
  at = historyStep(h, at.index, 1, ':lo');
  at = historyStep(h, at.index, 1, ':lo');
  assert.deepEqual(at, { index: undefined, text: ':lo' });
  assert.deepEqual(historyStep([], undefined, -1, 'x'), { index: undefined, text: 'x' });
  assert.equal(pushHistory(Array.from({ length: 5 }, (_, i) => `c${i}`), 'new', 3).join(' '), 'c3 c4 new');
});

test('completion: :restart never offers a service the planner would refuse (not a safe unit name); :svc still lists it', () => {
  const store = fleetStore();
  store.getState().setMachines([machine('lier', 'web', { services: ['nginx'] })]);
  store.getState().applyPolls([
    { result: { machineId: 'lier', at: Date.now(), reach: 'ok', probe: probe('lier', { services: [service('nginx'), service('n;touch x')] }) }, findings: [] },
  ]);
  const ctx = commandContext(store.getState(), { machineId: 'lier' });
  assert.deepEqual(completions(':restart n', ctx).candidates, ['nginx']);
  assert.deepEqual(completions(':stop ', ctx).candidates, ['nginx']);
  assert.deepEqual(completions(':svc n', ctx).candidates, ['nginx', 'n;touch x']);
});

test(':ssh takes a host (default: the open one) and is an action; :mark and :unmark take a filter', () => {
  assert.deepEqual(parseCommand(':ssh web1', grid()), { ok: true, command: { name: 'ssh', machineId: 'web1' } });
  assert.deepEqual(parseCommand(':ssh', onWeb2()), { ok: true, command: { name: 'ssh', machineId: 'web2' } });
  const noHost = parseCommand(':ssh', grid());
  assert.ok(!noHost.ok && /:ssh needs a host here/.test(noHost.message));
  const typo = parseCommand(':ssh webx', grid());
  assert.ok(!typo.ok && /no host "webx"/.test(typo.message));
  const ro = parseCommand(':ssh web1', onWeb2(true));
  assert.ok(!ro.ok && ro.reason === 'read-only');
  assert.deepEqual(parseCommand(':mark pool:web sev:critical', grid()), { ok: true, command: { name: 'mark', filter: 'pool:web sev:critical' } });
  assert.deepEqual(parseCommand(':unmark', onWeb2(true)), { ok: true, command: { name: 'unmark', filter: '' } });
  assert.ok(!parseCommand(':mark', grid()).ok, ':mark needs a filter');
});
