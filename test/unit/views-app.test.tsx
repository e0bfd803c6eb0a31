import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { FleetStore } from '../../src/store/index.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';
import { sshFingerprintOfBase64 } from '../../src/util/ssh-fingerprint.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const DOWN = '\u001B[B';
const ESC = '\u001B';

async function renderApp(opts: { store?: FleetStore; intents?: RecordingIntents; columns?: number } = {}) {
  const store = opts.store ?? fleetStore();
  const intents = opts.intents ?? new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  if (opts.columns) {
    Object.defineProperty(r.stdout, 'columns', { value: opts.columns, configurable: true });
    r.stdout.emit('resize');
  }
  await tick();
  const frame = () => r.lastFrame() ?? '';
  const press = (...keys: string[]) => typeKeys(r, ...keys);
  return { ...r, store, intents, frame, press };
}

afterEach(() => cleanup());

test('grid shows every host and a failed host state', async () => {
  const { frame } = await renderApp();
  const f = frame();
  for (const name of ['web1', 'web2', 'db1', 'cache1', 'new1']) assert.match(f, new RegExp(name));
  assert.match(f, /cache1.*unreachable/);
  assert.match(f, /new1.*pending/);
  assert.match(f, /db1.*slow/);
});

const hostLines = (f: string) => f.split('\n').filter((l) => /^(web|db|cache|new)\d/.test(l.trim()));

test('filter /web + Enter leaves only web hosts; Esc clears', async () => {
  const { frame, press } = await renderApp();
  await press('/', 'w', 'e', 'b');
  assert.match(frame(), /\/web/);
  await press('\r');
  assert.deepEqual(hostLines(frame()).map((l) => l.trim().split(/\s+/)[0]), ['web1', 'web2']);
  await press(ESC);
  assert.equal(hostLines(frame()).length, 5);
});

test('sort key cycling and reversing change the order', async () => {
  const { frame, press } = await renderApp();
  const order = () => hostLines(frame()).map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(order(), ['cache1', 'db1', 'new1', 'web1', 'web2']);
  await press('s'); // health, worst first
  assert.match(frame(), /sort:health/);
  assert.deepEqual(order().slice(0, 3), ['cache1', 'web2', 'db1']);
  await press('s'); // load, biggest first
  assert.deepEqual(order(), ['db1', 'web2', 'web1', 'cache1', 'new1']);
  await press('S');
  assert.deepEqual(order(), ['cache1', 'web1', 'web2', 'db1', 'new1']);
});

test('p groups by pool under header rows with counts', async () => {
  const { frame, press } = await renderApp();
  await press('p');
  const f = frame();
  assert.match(f, /── cache \(2 hosts, 1 critical\)/);
  assert.match(f, /── db \(1 host, 1 warning\)/);
  assert.match(f, /── web \(2 hosts, 1 critical\)/);
  assert.ok(f.indexOf('── db') < f.indexOf('db1') && f.indexOf('db1') < f.indexOf('── web'));
});

test('Enter drills into the selected host and lists its services; q goes back', async () => {
  const { frame, press } = await renderApp();
  await press('G', 'k'); // web2 is last; one up is web1
  await press('j'); // back to web2
  await press('\r');
  const f = frame();
  assert.match(f, /web2\s+datacenter\/fra1\s+pool web/);
  assert.match(f, /1 Services/);
  assert.match(f, /nginx\s+active\s+running/);
  assert.match(f, /php-fpm\s+failed\s+failed/);
  await press('q');
  assert.match(frame(), /NAME\s+PROVIDER/);
});

async function openWeb2Services(opts: Parameters<typeof renderApp>[0] = {}) {
  const app = await renderApp(opts);
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r');
  assert.match(app.frame(), /1 Services/);
  return app;
}

test('r on a service opens the confirmation with the exact planned command; y runs it', async () => {
  const app = await openWeb2Services();
  await app.press(DOWN, 'r'); // php-fpm
  const plans = app.intents.called('plan');
  assert.equal(plans.length, 1);
  assert.deepEqual(plans[0]?.args[0], { action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } });
  let f = app.frame();
  assert.match(f, /Confirm: restart php-fpm/);
  assert.ok(f.includes("sudo -n systemctl restart -- 'php-fpm.service'"), f);
  assert.match(f, /expect\s+php-fpm is active \(running\)/);
  assert.equal(app.intents.called('run').length, 0);
  await app.press('y');
  assert.equal(app.intents.called('run').length, 1);
  f = app.frame();
  assert.match(f, /succeeded \(exit 0/);
  assert.match(f, /restarted ok/);
  await app.press(' ');
  assert.match(app.frame(), /1 Services/);
});

test('any other key cancels the confirmation without running', async () => {
  const app = await openWeb2Services();
  await app.press('x');
  assert.match(app.frame(), /Confirm: stop nginx/);
  await app.press('n');
  assert.equal(app.intents.called('run').length, 0);
  assert.doesNotMatch(app.frame(), /Confirm:/);
});

test('a refused plan shows the reason instead of a confirmation', async () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  intents.refuse = 'host web2 is busy with another action';
  const app = await openWeb2Services({ store, intents });
  await app.press('r');
  assert.match(app.frame(), /refused: host web2 is busy with another action/);
  assert.doesNotMatch(app.frame(), /Confirm:/);
});

test('read-only: no action keys in footer or help, and r is refused without planning', async () => {
  const app = await openWeb2Services({ store: fleetStore({ readOnly: true }) });
  let f = app.frame();
  assert.match(f, /READ-ONLY/);
  assert.doesNotMatch(f, /r restart/);
  await app.press('?');
  f = app.frame();
  assert.match(f, /Help/);
  assert.doesNotMatch(f, /restart service/);
  assert.match(f, /switch tab/);
  await app.press('q');
  await app.press('r');
  assert.match(app.frame(), /read-only mode: actions are disabled/);
  assert.equal(app.intents.called('plan').length, 0);
});

test('findings pane offers the repairs of the selected finding', async () => {
  const app = await openWeb2Services();
  await app.press('4');
  let f = app.frame();
  assert.match(f, /critical\s+service-down\s+php-fpm is failed/);
  assert.match(f, /ActiveState=failed/);
  assert.match(f, /a restart php-fpm\s+b start php-fpm/);
  await app.press('b');
  f = app.frame();
  assert.match(f, /Confirm: start php-fpm/);
  assert.deepEqual(app.intents.called('plan')[0]?.args[0], { action: 'service.start', machineId: 'web2', params: { service: 'php-fpm' } });
});

test('1-4 switch tabs from every tab, the Findings tab too: a digit never runs a repair', async () => {
  const app = await openWeb2Services();
  for (const [from, to, shows] of [
    ['4', '2', /MOUNT\s+DEVICE/],
    ['4', '1', /php-fpm\s+failed/],
    ['4', '3', /choose a log source/],
    ['3', '4', /service-down/],
    ['2', '4', /service-down/],
  ] as const) {
    await app.press(from, to);
    assert.match(app.frame(), shows, `${from} then ${to}`);
    assert.doesNotMatch(app.frame(), /Confirm:/);
  }
  assert.equal(app.intents.called('plan').length, 0, 'no repair planned');
});

test('volumes pane shows sizes and usage', async () => {
  const app = await renderApp();
  await app.press('/', 'd', 'b', '\r', '\r', '2');
  const f = app.frame();
  assert.match(f, /\/srv\/pg\s+.*ext4\s+40\.0 GiB\s+91%\s+10%/);
});

test('logs pane: opens a source, draws appended lines with control sequences stripped, pauses and searches', async () => {
  const app = await openWeb2Services();
  await app.press('3');
  assert.match(app.frame(), /choose a log source/);
  await app.press('\r');
  assert.deepEqual(app.intents.called('openLog')[0]?.args, ['web2', 'unit:nginx']);
  const s = app.store.getState();
  s.appendLog(['normal line one', 'evil \u001b]0;pwned\u0007title \u001b[2Jclear', 'kernel: disk error on sda']);
  await tick();
  let f = app.frame();
  assert.match(f, /streaming · following/);
  assert.match(f, /normal line one/);
  assert.match(f, /evil title clear/);
  assert.ok(!f.includes('\u001b'), 'no ESC in the frame');
  assert.ok(!f.includes('pwned'), 'no title sequence payload');
  // Pause: new lines are counted, the view stays put.
  await app.press(' ');
  s.appendLog(['later line']);
  await tick();
  f = app.frame();
  assert.match(f, /PAUSED \+1 new/);
  await app.press(' ');
  assert.match(app.frame(), /later line/);
  // Search jumps to the most recent match and pauses.
  await app.press('/', 'd', 'i', 's', 'k', '\r');
  f = app.frame();
  assert.match(f, /\/disk/);
  assert.match(f, /PAUSED/);
  const firstLogLine = f.split('\n').find((l) => l.includes('streaming'));
  assert.ok(firstLogLine);
  assert.match(f.split('\n')[f.split('\n').indexOf(firstLogLine) + 1] ?? '', /kernel: disk error/);
  // Esc clears the search, then closes the log.
  await app.press(ESC, ESC);
  assert.equal(app.intents.called('closeLog').length, 1);
  assert.match(app.frame(), /choose a log source/);
});

function untrustedPoll(base64: string, status: 'unknown' | 'changed', at = Date.now()) {
  const hostKey = { type: 'ssh-ed25519', base64, fingerprint: sshFingerprintOfBase64(base64), status, knownHostsName: '[127.0.0.1]:2222' };
  return { result: { machineId: 'db1', at, reach: 'untrusted' as const, error: `host key ${status}`, hostKey }, findings: [] };
}
const KEY_A = Buffer.from('key A').toString('base64');
const KEY_B = Buffer.from('key B').toString('base64');

test('a CHANGED host key is never offered for trust: T explains, no dialog, nothing trusted', async () => {
  const store = fleetStore();
  store.getState().applyPolls([untrustedPoll(KEY_A, 'changed')]);
  const app = await renderApp({ store });
  await app.press('/', 'd', 'b', '\r', '\r');
  let f = app.frame();
  assert.match(f, new RegExp(`host key changed: ssh-ed25519 ${sshFingerprintOfBase64(KEY_A).replace(/[+/]/g, '\\$&')}`));
  assert.doesNotMatch(f, /T trust|T to review/);
  await app.press('T');
  f = app.frame();
  assert.doesNotMatch(f, /Trust the host key/);
  assert.match(f, /host key CHANGED: remlite never replaces a known key/);
  await app.press('y');
  assert.equal(app.intents.called('trustHostKey').length, 0);
});

test('an unknown key: T shows the key, y trusts exactly the reviewed key (fingerprint computed from it)', async () => {
  const store = fleetStore();
  store.getState().applyPolls([untrustedPoll(KEY_A, 'unknown')]);
  const app = await renderApp({ store });
  await app.press('/', 'd', 'b', '\r', '\r');
  assert.match(app.frame(), /T to review and trust it/);
  await app.press('T');
  const f = app.frame();
  assert.match(f, /Trust the host key offered by db1\?/);
  assert.ok(f.includes(`key: ssh-ed25519 ${sshFingerprintOfBase64(KEY_A)}`));
  assert.match(f, /never been seen/);
  await app.press('n');
  assert.equal(app.intents.called('trustHostKey').length, 0);
  await app.press('T', 'y');
  assert.deepEqual(app.intents.called('trustHostKey')[0]?.args, ['db1', { type: 'ssh-ed25519', base64: KEY_A, fingerprint: sshFingerprintOfBase64(KEY_A) }]);
});

test('a newer poll offering another key while the dialog is open: the dialog says so and y refuses', async () => {
  const store = fleetStore();
  store.getState().applyPolls([untrustedPoll(KEY_A, 'unknown')]);
  const app = await renderApp({ store });
  await app.press('/', 'd', 'b', '\r', '\r', 'T');
  assert.ok(app.frame().includes(sshFingerprintOfBase64(KEY_A)));
  store.getState().applyPolls([untrustedPoll(KEY_B, 'unknown', Date.now() + 1)]);
  await tick();
  const f = app.frame();
  assert.ok(f.includes(`key: ssh-ed25519 ${sshFingerprintOfBase64(KEY_A)}`), 'the dialog keeps the key that was reviewed');
  assert.match(f, /CHANGED since you pressed T: the host now offers a DIFFERENT key/);
  assert.ok(f.includes(sshFingerprintOfBase64(KEY_B)));
  await app.press('y');
  assert.equal(app.intents.called('trustHostKey').length, 0);
  assert.match(app.frame(), /trust refused: the host now offers a DIFFERENT key/);
  // Reviewing the new key and confirming trusts that one.
  await app.press('T', 'y');
  assert.equal((app.intents.called('trustHostKey')[0]?.args[1] as { base64: string } | undefined)?.base64, KEY_B);
});

test('a key restored from the fleet cache is not an offer: T explains and asks for a live poll', async () => {
  const store = fleetStore();
  const db1 = store.getState().hosts['db1']!;
  store.setState({ hosts: { ...store.getState().hosts, db1: { ...db1, last: untrustedPoll(KEY_A, 'unknown').result, cached: true } } });
  const app = await renderApp({ store });
  await app.press('/', 'd', 'b', '\r', '\r');
  assert.doesNotMatch(app.frame(), /T to review/);
  await app.press('T');
  assert.doesNotMatch(app.frame(), /Trust the host key/);
  assert.match(app.frame(), /fleet cache of an earlier run/);
  await app.press('y');
  assert.equal(app.intents.called('trustHostKey').length, 0);
});

test('every frame line fits 80 columns, on the grid and in every host tab', async () => {
  const store = fleetStore();
  store.getState().setProvider('ec2', { ok: false, message: 'credentials expired: ExpiredToken '.repeat(5), machines: 0 });
  const app = await renderApp({ store, columns: 80 });
  const check = (where: string) => {
    const f = app.frame();
    const lines = f.split('\n');
    for (const l of lines) assert.ok(Array.from(l).length <= 80, `${where}: line too wide (${Array.from(l).length}): ${l}`);
    assert.ok(lines.length <= 23, `${where}: ${lines.length} lines`);
  };
  check('grid');
  assert.doesNotMatch(app.frame(), /LAT|SITE/, 'latency and site dropped at 80 columns');
  assert.match(app.frame(), /PROVIDER/);
  await app.press('p');
  check('grid grouped');
  await app.press('?');
  check('help');
  await app.press('q');
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r');
  check('services');
  await app.press('r');
  check('confirm');
  await app.press('n', '2');
  check('volumes');
  await app.press('3', '\r');
  app.store.getState().appendLog(['x'.repeat(300), 'warn: ' + 'y'.repeat(120)]);
  await tick();
  check('logs');
  await app.press('w');
  check('logs wrapped');
  await app.press('4');
  check('findings');
});
