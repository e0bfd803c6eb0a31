// EC2 fleets without SSH, through the real console: the real SDK lists 1,000 instances in three
// regions from the loopback EC2 endpoint (names with wide characters, emoji, spaces and 255
// characters), SSH probing is off (ec2.ssh.probe: false), and the grid is rendered by Ink.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render, cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { FakeEc2, type FakeInstance } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { waitFor } from '../support/wait-for.js';
import { typeKeys } from '../unit/views-fixtures.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createConsole, type ConsoleOptions, type RemliteConsole } from '../../src/app/console.js';
import { fleetSummary } from '../../src/store/selectors.js';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';

const REGIONS = ['us-east-1', 'us-east-2', 'eu-west-1'];
const CODES: Record<string, string> = { 'us-east-1': 'use1', 'us-east-2': 'use2', 'eu-west-1': 'euw1' };
const TOTAL = 1000;
const LONG = (n: number) => `long-${n}-`.padEnd(255, 'x');

function nameOf(n: number, region: string): string {
  if (n % 40 === 0) return `東京サーバー${n}`;
  if (n % 40 === 1) return `🔥 db ${n}`;
  if (n % 40 === 2) return LONG(n);
  return `${region}-web${n}`;
}

const fake = new FakeEc2();
let home = '';
const cores: RemliteConsole[] = [];

before(async () => {
  const url = await fake.start();
  let n = 0;
  REGIONS.forEach((region, r) => {
    const count = r === 0 ? TOTAL - 2 * Math.floor(TOTAL / 3) : Math.floor(TOTAL / 3);
    const list: FakeInstance[] = [];
    for (let i = 0; i < count; i++, n++) {
      list.push({
        id: `i-0${String(n).padStart(16, '0')}`,
        state: n % 10 === 9 ? 'stopped' : 'running',
        type: n % 2 ? 'm5.large' : 't3.micro',
        az: `${region}${n % 3 === 0 ? 'a' : 'b'}`,
        privateIp: `10.${r}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        tags: { Name: nameOf(n, region) },
        ...(n === 5 ? { system: 'impaired' } : {}),
        ...(n === 6 ? { events: [{ code: 'system-reboot', description: 'scheduled reboot', notBefore: '2030-01-01T00:00:00.000Z' }] } : {}),
      });
    }
    fake.setInstances(region, list);
  });
  const aws = awsTestEnv(url, [], { envKeys: 'AKIDNOSSH' });
  applyEnv(aws.env);
  home = aws.home;
});

after(async () => {
  cleanup();
  for (const c of cores) await c.close();
  await fake.stop();
});

function ec2Console(extra: Partial<ConsoleOptions> = {}): RemliteConsole {
  const cfg = resolveEc2Config({ ssh: { probe: false }, maxAttempts: 2 }, { ec2: true, profiles: [], regions: REGIONS }, {})!;
  const core = createConsole({
    machines: [],
    auditPath: join(mkdtempSync(join(tmpdir(), 'remlite-ec2nossh-')), 'audit.log'),
    pollIntervalMs: 600_000,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 2000,
    maxConcurrent: 64,
    logScrollback: 100,
    cloud: { provider: new Ec2Provider(cfg, systemEnv(home)), refreshMs: 600_000 },
    ...extra,
  });
  cores.push(core);
  return core;
}

const allPolled = (core: RemliteConsole) => {
  const s = core.store.getState();
  return s.order.length === TOTAL && s.order.every((id) => s.hosts[id]?.last);
};

/** The frame's grid lines (header to footer), ANSI removed. */
function gridLines(frame: string): string[] {
  const lines = stripVTControlCharacters(frame).split('\n');
  const header = lines.findIndex((l) => /^NAME\s/.test(l));
  assert.ok(header >= 0, `a grid header in:\n${frame}`);
  return lines.slice(header);
}

test('SSH probing off, 1,000 instances in 3 regions: every row present, no unreachable finding, status checks and events still found, columns aligned in cells', { timeout: 240_000 }, async () => {
  const core = ec2Console();
  core.poller.start();
  await core.providerRefresh!.start();
  await waitFor('every instance listed and given its (cloud-only) poll', () => allPolled(core), 120_000);
  const s = core.store.getState();
  const hosts = s.order.map((id) => s.hosts[id]!);
  assert.equal(hosts.filter((h) => h.findings.some((f) => f.class === 'unreachable')).length, 0, 'no instance is unreachable for want of SSH');
  assert.deepEqual([...new Set(hosts.map((h) => h.last!.reach))].sort(), ['cloud-stopped', 'no-ssh']);
  assert.equal(fleetSummary(s, Date.now()).unreachable, 0);
  const classes = hosts.flatMap((h) => h.findings.map((f) => `${h.machine.cloud!.instanceId} ${f.class} ${f.severity}`)).sort();
  assert.deepEqual(classes, ['i-00000000000000005 ec2-status-failed critical', 'i-00000000000000006 ec2-scheduled-event warning']);

  const ui = render(<App store={core.store} intents={core.intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => ui.lastFrame() ?? '';
  await waitFor('the grid with 1000 hosts', () => /1000 hosts/.test(frame()), 20_000);
  assert.doesNotMatch(frame(), /unreachable/);
  assert.match(frame(), /\d+ not probed/);

  // Wide names, emoji and 255-character names, filtered down to them: every column starts at the same cell.
  await new Promise((r) => setTimeout(r, 30));
  await typeKeys(ui, '/', ...'long-', '\r');
  await waitFor('the 255-character names', () => /long-/.test(frame()), 10_000);
  const isRow = (l: string) => !l.includes('filter:');
  const longRows = gridLines(frame()).filter((l) => l.includes('long-') && isRow(l));
  await typeKeys(ui, '\u001b');
  await typeKeys(ui, '/', ...'東京', '\r');
  await waitFor('the wide names', () => (frame().match(/東京サーバー/g) ?? []).length >= 3, 10_000);
  const lines = gridLines(frame());
  const wideRows = lines.filter((l) => l.includes('東京') && isRow(l));
  const rows = [...longRows, ...wideRows];
  assert.ok(longRows.length >= 3 && wideRows.length >= 3, `rows of both kinds:\n${rows.join('\n')}`);
  const header = lines[0]!;
  const siteAt = header.indexOf('SITE');
  const stateAt = header.indexOf('STATE');
  assert.ok(siteAt > 0 && stateAt > siteAt, header);
  for (const row of rows) {
    assert.ok(stringWidth(row) <= 100, `a row wider than the terminal: ${row}`);
    const code = Object.values(CODES).find((c) => row.includes(` ${c} `))!;
    assert.ok(code, `a region code on ${row}`);
    assert.equal(stringWidth(row.slice(0, row.indexOf(` ${code} `) + 1)), siteAt, `SITE column at cell ${siteAt}: ${row}`);
    if (row.includes('long-')) assert.match(row, /long-\d+-x+…/, 'a 255-character name is cut to fit with an ellipsis');
    const state = /(running|stopped)/.exec(row)!;
    assert.equal(stringWidth(row.slice(0, state.index)), stateAt, `STATE column at cell ${stateAt}: ${row}`);
  }
  for (const l of lines) assert.ok(stringWidth(l) <= 100, `frame line wider than 100 cells: ${l}`);

  // Filter keys: id:, type:, az:, and us-east-1 told from us-east-2 in the SITE column.
  await typeKeys(ui, '\u001b');
  await typeKeys(ui, '/', ...'id:00000000000000007', '\r');
  await waitFor('one host by instance id', () => /\b1\/1\b/.test(frame()), 10_000);
  await typeKeys(ui, '\u001b');
  await typeKeys(ui, '/', ...'type:m5 az:us-east-2a', '\r');
  await waitFor('filtered by type and az', () => /filter:type:m5 az:us-east-2a/.test(frame()), 10_000);
  const expected = hosts.filter((h) => h.machine.cloud!.instanceType === 'm5.large' && h.machine.cloud!.az === 'us-east-2a').length;
  await waitFor(`${expected} rows of us-east-2a m5`, () => new RegExp(`\\b1/${expected}\\b`).test(frame()), 10_000);
  for (const row of gridLines(frame()).slice(1, -1)) if (/\bi-0|web/.test(row)) assert.match(row, / use2 /, row);

  // :host takes an instance id.
  await typeKeys(ui, '\u001b');
  await typeKeys(ui, ':', ...'host i-00000000000000040', '\r');
  await waitFor('the host view of i-00000000000000040', () => /i-00000000000000040/.test(frame()) && /東京サーバー40/.test(frame()) && !/^NAME\s/m.test(stripVTControlCharacters(frame())), 10_000);
  ui.unmount();
});

test('a slow region does not hold back the others; the saved fleet stays on screen at start with "listing EC2 (…)…"', { timeout: 240_000 }, async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'remlite-ec2cache-'));
  const cacheFile = join(stateDir, 'fleet-cache.json');
  // A first run saves the fleet on close.
  const first = ec2Console({ fleetCache: { file: cacheFile } });
  first.poller.start();
  await first.providerRefresh!.start();
  await waitFor('first run polled', () => allPolled(first), 120_000);
  await first.close();

  // The next start: eu-west-1 answers only when released.
  fake.holdRegion('eu-west-1');
  const core = ec2Console({ fleetCache: { file: cacheFile } });
  const ui = render(<App store={core.store} intents={core.intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => stripVTControlCharacters(ui.lastFrame() ?? '');
  assert.equal(core.store.getState().order.length, TOTAL, 'the saved fleet is in the store before any listing');
  core.poller.start();
  const listed = core.providerRefresh!.start();
  await waitFor('the listing status', () => /listing EC2 \(us-east-1, us-east-2, eu-west-1\)…/.test(frame()), 20_000);
  assert.match(frame(), /1000 hosts/);
  assert.doesNotMatch(frame(), /\b0 hosts/);

  // us-east-1 and us-east-2 answer while eu-west-1 is still out: their parts land, eu-west-1's saved rows stay.
  await waitFor('eu-west-1 requests waiting', () => fake.waitingIn('eu-west-1') > 0, 60_000);
  await waitFor('the two fast regions listed', () => {
    const p = core.store.getState().providers;
    return p['ec2:default:us-east-1']?.ok && p['ec2:default:us-east-2']?.ok;
  }, 60_000);
  const mid = core.store.getState();
  assert.equal(mid.providers['ec2:default:eu-west-1'], undefined, 'eu-west-1 has not answered yet');
  assert.equal(mid.order.length, TOTAL, 'the slow region keeps its saved rows meanwhile');
  assert.match(frame(), /listing EC2/);
  fake.releaseRegion('eu-west-1');
  await listed;
  await waitFor('the listing line gone', () => !/listing EC2/.test(frame()), 20_000);
  assert.equal(core.store.getState().providers['ec2:default:eu-west-1']?.ok, true);
  assert.equal(core.store.getState().order.length, TOTAL);
  ui.unmount();
});
