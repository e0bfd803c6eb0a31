import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { breadcrumbParts, breadcrumbText } from '../../views/breadcrumb.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { COMMANDS } from '../../src/commands/index.js';
import type { FleetStore } from '../../src/store/index.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const ESC = '\u001B';
const UP = '\u001B[A';
const TAB = '\t';
const SHIFT_TAB = '\u001B[Z';

async function renderApp(opts: { store?: FleetStore; columns?: number } = {}) {
  const store = opts.store ?? fleetStore();
  const intents = new RecordingIntents(store);
  let quits = 0;
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => quits++} />);
  if (opts.columns) {
    Object.defineProperty(r.stdout, 'columns', { value: opts.columns, configurable: true });
    r.stdout.emit('resize');
  }
  await tick();
  const frame = () => r.lastFrame() ?? '';
  const press = (...keys: string[]) => typeKeys(r, ...keys);
  /** Opens the bar, types the text one key at a time, runs it. */
  const command = async (text: string) => press(':', ...Array.from(text), '\r');
  return { ...r, store, intents, frame, press, command, quits: () => quits };
}

afterEach(() => cleanup());

const hostNames = (f: string) => f.split('\n').filter((l) => /^(web|db|cache|new)\d\s/.test(l.trim())).map((l) => l.trim().split(/\s+/)[0]);
const crumb = (f: string) => f.split('\n')[1] ?? '';

test('breadcrumbs: the trail, cut from the left to fit', () => {
  assert.deepEqual(breadcrumbParts({ filter: 'pool:web', host: 'web-2', tab: 'Logs', logSource: 'unit:nginx' }), ['fleet', 'pool:web', 'web-2', 'Logs', 'unit:nginx']);
  assert.deepEqual(breadcrumbParts({ filter: '', host: 'web-2', tab: 'Services', logSource: 'unit:nginx' }), ['fleet', 'web-2', 'Services']);
  assert.deepEqual(breadcrumbParts({ filter: '', overlay: 'help' }), ['fleet', 'help']);
  const parts = ['fleet', 'pool:web', 'web-2', 'Logs', 'unit:nginx'];
  assert.equal(breadcrumbText(parts, 80), 'fleet › pool:web › web-2 › Logs › unit:nginx');
  assert.equal(breadcrumbText(parts, 20), '…2 › Logs › unit:nginx'.slice(-20).replace(/^./, '…'));
  assert.equal(Array.from(breadcrumbText(parts, 20)).length, 20);
  assert.ok(breadcrumbText(parts, 20).endsWith('unit:nginx'));
  assert.equal(breadcrumbText(parts, 0), '');
});

test(': opens the prompt; Tab completes the command and the pool; Enter filters the grid to it', async () => {
  const app = await renderApp();
  assert.equal(crumb(app.frame()), 'fleet');
  await app.press(':');
  assert.match(app.frame(), /^:█\s+hosts host pool svc plogs findings ssh mark unmark filter sort events help quit/m);
  await app.press('p', 'o', TAB);
  assert.match(app.frame(), /^:pool █\s+cache db web/m);
  await app.press('w', TAB);
  assert.match(app.frame(), /^:pool web█/m);
  await app.press('\r');
  assert.deepEqual(hostNames(app.frame()), ['web1', 'web2']);
  assert.equal(crumb(app.frame()), 'fleet › pool:web');
  assert.doesNotMatch(app.frame(), /^:/m, 'the prompt closed');
});

test('Tab narrows to the common prefix, then cycles through the candidates shown inline', async () => {
  const app = await renderApp();
  await app.press(':', 'h', 'o', 's', 't', ' ', 'w', TAB);
  assert.match(app.frame(), /^:host web█\s+web1 web2/m);
  await app.press(TAB);
  assert.match(app.frame(), /^:host web1█/m);
  await app.press(TAB);
  assert.match(app.frame(), /^:host web2█/m);
  await app.press(SHIFT_TAB);
  assert.match(app.frame(), /^:host web1█/m);
  await app.press('\r');
  assert.match(app.frame(), /web1\s+datacenter\/fra1\s+pool web/);
  assert.equal(crumb(app.frame()), 'fleet › web1 › Services');
});

test('an unknown command names itself and lists the valid ones in the status line', async () => {
  const app = await renderApp();
  await app.command('frob');
  const f = app.frame();
  // The status line wraps the whole message over as many rows as it needs.
  assert.match(f.replace(/,\n/g, ', '), /unknown command :frob — commands: hosts, host, pool, svc, plogs, findings, ssh, mark, unmark, filter, sort, events, help, quit/);
  assert.equal(hostNames(f).length, 5, 'nothing else changed');
});

test('Esc cancels; ↑ brings back the commands of this session', async () => {
  const app = await renderApp();
  await app.press(':', 'p', 'o', ESC);
  assert.doesNotMatch(app.frame(), /^:/m);
  assert.equal(hostNames(app.frame()).length, 5);
  await app.command('pool db');
  await app.command('hosts');
  assert.equal(hostNames(app.frame()).length, 5);
  await app.press(':', UP, UP);
  assert.match(app.frame(), /^:pool db█/m);
  await app.press('\r');
  assert.deepEqual(hostNames(app.frame()), ['db1']);
});

test(': is plain text in the grid filter and in the log search, not the command bar', async () => {
  const app = await renderApp();
  await app.press('/', 'p', 'o', 'o', 'l', ':', 'd', 'b', '\r');
  assert.deepEqual(hostNames(app.frame()), ['db1']);
  await app.press('\r', '3', '\r', '/', 'a', ':', 'b');
  assert.match(app.frame(), /search \/a:b/);
  assert.doesNotMatch(app.frame(), /^:/m);
});

test(':host, :logs SOURCE, :findings and :hosts move between screens; the breadcrumbs follow', async () => {
  const app = await renderApp();
  await app.command('host web2');
  assert.match(app.frame(), /web2\s+datacenter\/fra1\s+pool web/);
  await app.command('logs unit:nginx');
  assert.deepEqual(app.intents.called('openLog')[0]?.args, ['web2', 'unit:nginx']);
  assert.equal(crumb(app.frame()), 'fleet › web2 › Logs › unit:nginx');
  await app.command('findings');
  assert.match(app.frame(), /critical\s+service-down\s+php-fpm is failed/);
  assert.equal(crumb(app.frame()), 'fleet › web2 › Findings');
  await app.command('hosts');
  assert.equal(crumb(app.frame()), 'fleet');
  assert.equal(hostNames(app.frame()).length, 5);
});

test(':svc on a host selects the service; :restart without a name then plans it and asks, exactly like r', async () => {
  const app = await renderApp();
  await app.command('host web2');
  await app.command('svc php-fpm');
  await app.command('restart');
  const plans = app.intents.called('plan');
  assert.deepEqual(plans.map((p) => p.args[0]), [{ action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } }]);
  assert.match(app.frame(), /Confirm: restart php-fpm/);
  assert.ok(app.frame().includes("sudo -n systemctl restart -- 'php-fpm.service'"));
  assert.equal(crumb(app.frame()), 'fleet › web2 › Services › confirm');
  await app.press('n');
  assert.equal(app.intents.called('run').length, 0, 'nothing runs without y');
  await app.command('stop nginx');
  assert.deepEqual(app.intents.called('plan')[1]?.args[0], { action: 'service.stop', machineId: 'web2', params: { service: 'nginx' } });
  await app.press('y');
  assert.equal(app.intents.called('run').length, 1);
});

test(':restart of a service the host does not have is refused before planning', async () => {
  const app = await renderApp();
  await app.command('host web2');
  await app.command('restart mysql');
  assert.match(app.frame(), /no service "mysql" on this host — services: nginx, php-fpm/);
  assert.equal(app.intents.called('plan').length, 0);
});

test('grid commands: :svc filters to hosts that have the service, :findings to hosts with findings, :sort and :filter', async () => {
  const app = await renderApp();
  await app.command('svc redis');
  assert.deepEqual(hostNames(app.frame()), ['cache1', 'new1']);
  assert.equal(crumb(app.frame()), 'fleet › svc:redis');
  await app.command('findings');
  assert.deepEqual(hostNames(app.frame()), ['cache1', 'db1', 'web2']);
  await app.command('filter state:down');
  assert.deepEqual(hostNames(app.frame()), ['cache1']);
  await app.command('filter');
  await app.command('sort load');
  assert.match(app.frame(), /sort:load↓/);
  assert.deepEqual(hostNames(app.frame()), ['db1', 'web2', 'web1', 'cache1', 'new1']);
  await app.command('sort load asc');
  assert.deepEqual(hostNames(app.frame()), ['cache1', 'web1', 'web2', 'db1', 'new1']);
});

test(':help lists the commands, ? lists the : key; :q quits', async () => {
  const app = await renderApp();
  await app.press('?');
  assert.match(app.frame(), /:\s+command bar/);
  await app.press('x');
  await app.command('help');
  let f = app.frame();
  assert.match(f, /Commands/);
  assert.match(f, /:pool NAME\s+fleet grid filtered to one pool/);
  assert.match(f, /:restart \[SVC\]\s+restart a service/);
  await app.press('x');
  await app.command('q');
  assert.equal(app.quits(), 1);
  f = app.frame();
  assert.ok(f.length > 0);
});

/** A plausible line for each command of the table, with an argument that exists in the fixture fleet. */
function sampleLines(): string[] {
  const arg: Record<string, string[]> = {
    host: ['web2'],
    pool: ['web'],
    svc: ['nginx'],
    logs: ['', 'unit:nginx'],
    restart: ['', 'nginx'],
    start: ['', 'php-fpm'],
    stop: ['', 'nginx'],
    filter: ['web'],
    sort: ['load'],
  };
  return COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])].flatMap((name) => (arg[c.name] ?? ['']).map((a) => (a ? `${name} ${a}` : name))));
}

test('read-only: every command-bar entry, on the grid and on a host, never confirms, plans or runs anything', async () => {
  const app = await renderApp({ store: fleetStore({ readOnly: true }) });
  await app.press(':');
  const offered = app.frame();
  assert.doesNotMatch(offered, /restart|start|stop/, 'action commands are not offered');
  await app.press(ESC);
  const lines = sampleLines();
  assert.ok(lines.length >= 19, `${lines.length} lines`);
  const actions = new Set(COMMANDS.filter((c) => c.dangerous).map((c) => c.name));
  for (const onHost of [false, true]) {
    for (const line of lines) {
      await app.command('hosts');
      if (onHost) await app.command('host web2');
      await app.command(line);
      const f = app.frame();
      assert.doesNotMatch(f, /Confirm:/, `${line} (${onHost ? 'host' : 'grid'})`);
      if (actions.has(line.split(' ')[0] ?? '')) assert.match(f, /read-only mode: actions are disabled/, line);
      for (const name of ['plan', 'run', 'repairPool', 'acceptBaseline', 'trustHostKey']) {
        assert.equal(app.intents.called(name).length, 0, `${name} after :${line}`);
      }
      if (f.includes('Help')) await app.press('x');
    }
  }
  // And Tab never puts an action command on the line.
  await app.press(':', 'r', 'e', TAB, 's', 't', TAB);
  assert.doesNotMatch(app.frame(), /restart|start /);
});

test('80x24: the breadcrumbs and the open command bar keep every line inside the terminal', async () => {
  const store = fleetStore();
  store.getState().setProvider('ec2', { ok: false, message: 'credentials expired', machines: 0 });
  const app = await renderApp({ store, columns: 80 });
  const check = (where: string) => {
    const lines = app.frame().split('\n');
    for (const l of lines) assert.ok(Array.from(l).length <= 80, `${where}: line too wide: ${l}`);
    assert.ok(lines.length <= 23, `${where}: ${lines.length} lines`);
  };
  check('grid');
  await app.press(':');
  check('grid + command bar');
  await app.press(ESC);
  await app.command('host web2');
  await app.command('logs unit:nginx');
  app.store.getState().appendLog(Array.from({ length: 60 }, (_, i) => `line ${i}`));
  await tick();
  check('logs');
  await app.press(':', 's', 'v', 'c', ' ', TAB);
  check('logs + command bar');
  await app.press(ESC);
  await app.command('findings');
  await app.press(':');
  check('findings + command bar');
});
