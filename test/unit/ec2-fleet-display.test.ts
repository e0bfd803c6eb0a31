// EC2 fleets as AWS users see them, the pure parts: cell widths, region codes and names, filter keys,
// profile names, :host lookups, the grid's columns at 80 cells, check perfdata and the status table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { cellWidth, fit, truncate } from '../../src/util/cell-width.js';
import { isRegionName, regionCode, siteLabel } from '../../src/util/region-code.js';
import { checkRegions, Ec2ConfigError, resolveEc2Config } from '../../providers/ec2/config.js';
import { profileNames } from '../../providers/ec2/profiles.js';
import { notProbedReason } from '../../providers/ec2/map.js';
import { findHost } from '../../src/commands/parse.js';
import { completions } from '../../src/commands/complete.js';
import { commandContext } from '../../src/commands/context.js';
import { fleetRows, parseFilter, type HostRow } from '../../src/store/selectors.js';
import { createFleetStore } from '../../src/store/index.js';
import { checkReport, NAGIOS } from '../../src/cli/check-report.js';
import { statusTable } from '../../src/cli/status-format.js';
import { gridColumns } from '../../views/grid-columns.js';
import { headerLine, layoutColumns, rowCells } from '../../views/table-layout.js';
import { pickTheme } from '../../views/theme.js';
import type { Ec2Info, Machine, Reachability } from '../../src/model/index.js';
import { ec2Info } from '../support/ec2-info.js';

test('cell widths: wide characters and emoji take two cells; fit pads and cuts by cells with an ellipsis', () => {
  assert.equal(cellWidth('web1'), 4);
  assert.equal(cellWidth('東京サーバー'), 12);
  assert.equal(cellWidth('db🔥'), 4);
  for (const s of ['東京サーバー01', 'db🔥prod', 'café', 'e\u0301t\u00e9', 'x'.repeat(255), '한국어 서버 이름']) {
    for (const w of [1, 2, 5, 7, 12, 20]) {
      const f = fit(s, w);
      assert.equal(stringWidth(f), w, `fit(${JSON.stringify(s)}, ${w}) = ${JSON.stringify(f)} is ${stringWidth(f)} cells`);
      assert.equal(fit(s, w, 'right').length >= 1, true);
    }
  }
  assert.equal(truncate('東京サーバー', 5), '東京…');
  assert.equal(truncate('東京サーバー', 12), '東京サーバー');
  assert.equal(truncate('x'.repeat(255), 10), 'xxxxxxxxx…');
});

test('region codes tell us-east-1 from us-east-2; site labels fall back to them when the name does not fit', () => {
  assert.equal(regionCode('us-east-1'), 'use1');
  assert.equal(regionCode('us-east-2'), 'use2');
  assert.equal(regionCode('eu-west-1'), 'euw1');
  assert.equal(regionCode('ap-southeast-2'), 'apse2');
  assert.equal(regionCode('ap-northeast-1'), 'apne1');
  assert.equal(regionCode('us-gov-west-1'), 'usgw1');
  assert.equal(regionCode('eu-central-1'), 'euc1');
  assert.equal(regionCode('fra1'), undefined);
  assert.equal(siteLabel('us-east-2', 6), 'use2');
  assert.equal(siteLabel('us-east-2', 9), 'us-east-2');
  assert.equal(siteLabel('fra1', 6), 'fra1');
  assert.equal(siteLabel('datacenter-one', 6), 'datacenter-one', 'not a region: left to the column to cut');
});

test('region names are validated, the bad one named with the nearest real region', () => {
  for (const ok of ['us-east-1', 'ap-southeast-4', 'us-gov-west-1', 'il-central-1', 'all']) assert.doesNotThrow(() => checkRegions([ok], '--region'));
  for (const bad of ['us-esat-1', 'useast1', 'eu_west_1', 'EU-WEST-1', 'us-east', '']) assert.equal(isRegionName(bad), false, bad);
  assert.throws(() => checkRegions(['eu-west-1', 'us-esat-1'], '--region'), (e: Error) => e instanceof Ec2ConfigError && /--region: "us-esat-1" is not an AWS region name.*did you mean us-east-1\?/.test(e.message));
  assert.throws(() => resolveEc2Config(undefined, { ec2: true, profiles: [], regions: ['eu_west_1'] }, {}), /"eu_west_1".*did you mean eu-west-1/);
  assert.throws(
    () => resolveEc2Config({ accounts: [{ name: 'prod', regions: ['us-east-9x'] }] }, { ec2: true, profiles: [], regions: [] }, {}),
    /ec2 account "prod" in the settings: "us-east-9x"/,
  );
});

const info = (extra: Partial<Ec2Info> = {}): Ec2Info => ec2Info({ account: 'prod', ...extra });

test('SSH probing off (ec2.ssh.probe: false, per account) or no address: not probed, with the reason', () => {
  const on = resolveEc2Config(undefined, { ec2: true, profiles: [], regions: ['us-east-1'] }, {})!;
  assert.equal(notProbedReason(info(), on, true), undefined);
  assert.match(notProbedReason(info(), on, false)!, /no private address/);
  const off = resolveEc2Config({ ssh: { probe: false } }, { ec2: true, profiles: [], regions: ['us-east-1'] }, {})!;
  assert.match(notProbedReason(info({ account: 'default' }), off, true)!, /SSH probing is off for EC2 account default \(ec2\.ssh\.probe: false\)/);
  const perAccount = resolveEc2Config({ accounts: [{ name: 'prod', ssh: { probe: false } }, { name: 'dev' }] }, { ec2: true, profiles: [], regions: [] }, {})!;
  assert.match(notProbedReason(info({ account: 'prod' }), perAccount, true)!, /account prod/);
  assert.equal(notProbedReason(info({ account: 'dev' }), perAccount, true), undefined);
});

test('AWS profile names from the config ([profile x], [default]) and credentials ([x]) files', () => {
  assert.deepEqual(profileNames('[default]\nregion=x\n[profile prod]\n[sso-session corp]\n[ profile  staging ]\n', 'config'), ['default', 'prod', 'staging']);
  assert.deepEqual(profileNames('[default]\naws_access_key_id=A\n[ci] # robot\n', 'credentials'), ['default', 'ci']);
});

function ec2Machine(n: number, name: string, extra: Partial<Ec2Info> = {}): Machine {
  const cloud = info({ instanceId: `i-0${String(n).padStart(16, '0')}`, ...extra });
  return { id: `ec2:prod:${cloud.region}:${cloud.instanceId}`, name, provider: 'ec2', site: cloud.region, pool: 'web', role: '', services: [], logs: [], origin: 't', cloud };
}

function storeOf(machines: Machine[], reach: Reachability = 'no-ssh') {
  const store = createFleetStore();
  store.getState().setMachines(machines);
  store.getState().applyPolls(machines.map((m) => ({ result: { machineId: m.id, at: 1, reach }, findings: [] })));
  return store.getState();
}

test('filter keys id:, type:, az: (and a plain term matches the instance id)', () => {
  const fleet = storeOf([
    ec2Machine(1, 'api one', { instanceType: 'm5.large', az: 'us-east-1b' }),
    ec2Machine(2, 'batch', { instanceType: 't3.micro', az: 'us-east-2a', region: 'us-east-2' }),
  ]);
  const names = (filter: string) => fleetRows(fleet, { filter, now: 2 }).map((r) => (r as HostRow).name);
  assert.deepEqual(names('type:m5'), ['api one']);
  assert.deepEqual(names('az:us-east-2'), ['batch']);
  assert.deepEqual(names('id:0000000000000002'), ['batch']);
  assert.deepEqual(names('i-00000000000000001'), ['api one']);
  assert.deepEqual(names('type:t3 az:us-east-1'), []);
  assert.equal(parseFilter('id:nothing')({ ...(fleetRows(fleet, { now: 2 })[0] as HostRow) }), false);
});

test('a not-probed running instance shows its cloud state; its health is unknown, never critical', () => {
  const rows = fleetRows(storeOf([ec2Machine(1, 'quiet')]), { now: 2 }) as HostRow[];
  assert.equal(rows[0]!.state, 'no-ssh');
  assert.equal(rows[0]!.cloudState, 'running');
  assert.equal(rows[0]!.health, 'unknown');
});

test(':host finds a host by name (spaces, quoted or not), machine id or instance id; completion offers names with spaces', () => {
  const hosts = [
    { id: 'ec2:prod:us-east-1:i-0aaa', name: 'api server one', instanceId: 'i-0aaa' },
    { id: 'web1', name: 'web1' },
  ];
  assert.equal(findHost(hosts, 'api server one')?.id, hosts[0]!.id);
  assert.equal(findHost(hosts, '"api server one"')?.id, hosts[0]!.id);
  assert.equal(findHost(hosts, "'API SERVER ONE'")?.id, hosts[0]!.id);
  assert.equal(findHost(hosts, 'i-0aaa')?.id, hosts[0]!.id);
  assert.equal(findHost(hosts, 'web1')?.id, 'web1');
  assert.equal(findHost(hosts, 'api'), undefined);
  const ctx = commandContext(storeOf([ec2Machine(7, 'api server one')]));
  assert.deepEqual(completions(':host api se', ctx).candidates, ['api server one']);
  assert.deepEqual(completions(':host i-00000000000000007', ctx).candidates, ['i-00000000000000007']);
});

test('the grid with EC2 at 80 cells keeps a SITE column with region codes; wider, instance id, type and EC2 state show', () => {
  const fleet = storeOf([ec2Machine(1, 'east one'), ec2Machine(2, 'east two', { region: 'us-east-2' })]);
  const rows = fleetRows(fleet, { now: 2 });
  const theme = pickTheme('default', {});
  const at80 = layoutColumns(gridColumns(theme, { now: 0, ec2: true }), 80);
  assert.ok(at80.some((l) => l.column.key === 'site'), `SITE kept at 80: ${headerLine(at80)}`);
  const line = (r: (typeof rows)[number], layout: typeof at80) => rowCells(r, layout).map((c) => c.text).join('');
  assert.match(line(rows[0]!, at80), / use1 /);
  assert.match(line(rows[1]!, at80), / use2 /);
  assert.ok(stringWidth(headerLine(at80)) <= 80);
  const wide = layoutColumns(gridColumns(theme, { now: 0, ec2: true }), 180);
  assert.deepEqual(
    ['instance', 'type', 'ec2', 'site'].map((k) => wide.some((l) => l.column.key === k)),
    [true, true, true, true],
  );
  assert.match(line(rows[1]!, wide), /i-00000000000000002 +t3\.micro +running/);
  assert.match(line(rows[1]!, wide), / use2 /);
});

test('check perfdata counts stopped instances and not-probed hosts apart from unreachable ones; a failed provider is UNKNOWN naming it', () => {
  const store = createFleetStore();
  const ms = [ec2Machine(1, 'a', { state: 'stopped' }), ec2Machine(2, 'b'), ec2Machine(3, 'c')];
  store.getState().setMachines(ms);
  store.getState().applyPolls([
    { result: { machineId: ms[0]!.id, at: 1, reach: 'cloud-stopped' }, findings: [] },
    { result: { machineId: ms[1]!.id, at: 1, reach: 'no-ssh' }, findings: [] },
    { result: { machineId: ms[2]!.id, at: 1, reach: 'unreachable' }, findings: [] },
  ]);
  const r = checkReport(store.getState());
  assert.match(r.text, /\| hosts=3 critical=0 warning=0 unreachable=1 stopped=1 not_probed=1\n/);
  const failed = checkReport(store.getState(), [{ name: 'ec2:default:eu-west-1', message: 'UnauthorizedOperation: no' }]);
  assert.equal(failed.code, NAGIOS.UNKNOWN);
  assert.match(failed.text, /^REMLITE UNKNOWN - provider ec2:default:eu-west-1 failed: UnauthorizedOperation: no/);
});

test('status table: columns capped and measured in cells, long and wide names cut with an ellipsis, EC2 columns when EC2 is on', () => {
  const fleet = storeOf([ec2Machine(1, 'x'.repeat(255)), ec2Machine(2, '東京サーバー🔥'.repeat(8))]);
  const text = statusTable(fleetRows(fleet, { now: 2 }), 40);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME +PROVIDER +SITE .* INSTANCE +TYPE +AZ$/);
  const instanceAt = (l: string) => stringWidth(l.slice(0, l.indexOf('i-0')));
  assert.equal(instanceAt(lines[1]!), instanceAt(lines[2]!), 'the INSTANCE column starts at the same cell on both rows');
  assert.equal(stringWidth(lines[1]!.split('  ')[0]!), 40);
  assert.ok(lines[1]!.includes('…') && lines[2]!.includes('…'));
});
