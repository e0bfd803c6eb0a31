// User-defined actions end to end on a real lab host: read from an actions file, planned, run and
// audited by the console core exactly like a built-in repair. Hostile host, pool and site values
// reach the shell as literal words (a hostile service name is refused): no canary file appears.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import type { AuditEntry } from '../../src/model/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web2';
const OUT = '/tmp/remlite-ua';
// Every hostile value drops its canary in root's home directory if it is ever run.
const CANARY = '/root/remlite-ua-canary';
const hostileName = `web2'; cd; touch remlite-ua-canary-1; echo '`;
const hostilePool = '$(cd; touch remlite-ua-canary-2)';
const hostileSite = '`cd; touch remlite-ua-canary-3`\nsite "two"';
const hostileService = 'x;cd;touch remlite-ua-canary-4 #';

const ACTIONS = `actions:
  - name: mark
    key: M
    scope: service
    description: leave a mark for the selected service
    command: mkdir -p ${OUT} && touch -- ${OUT}/mark-{service}
  - name: values
    key: V
    scope: host
    command: |
      mkdir -p ${OUT} && printf '%s\\n' {host} {pool} {site} > ${OUT}/values
`;

let core: RemliteConsole;
let dir: string;

before(async () => {
  if (skip) return;
  const lab = info as LabInfo;
  await labExec(HOST, `rm -rf ${OUT} ${CANARY}-*`);
  dir = mkdtempSync(join(tmpdir(), 'remlite-ua-'));
  const parsed = parseUserActions(ACTIONS, join(dir, 'actions.yaml'));
  assert.deepEqual(parsed.issues, []);
  const real = (await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false })).machines.find((m) => m.id === HOST)!;
  // The inventory would refuse such names; a cloud tag or an ssh config alias is less strict. Same id, same address.
  const machine = { ...real, name: hostileName, pool: hostilePool, site: hostileSite };
  core = createConsole({
    machines: [machine],
    auditPath: join(dir, 'audit.log'),
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 4,
    logScrollback: 100,
    userActions: parsed.actions,
  });
  core.poller.start();
  await waitFor('a probe of the host', () => core.store.getState().hosts[HOST]?.last?.reach === 'ok');
});

after(async () => {
  await core?.close();
  if (!skip) await labExec(HOST, `rm -rf ${OUT} ${CANARY}-*`);
});

const audit = (): AuditEntry[] =>
  readFileSync(join(dir, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

async function runAndWait(action: string, params: Record<string, string>) {
  const outcome = core.intents.plan({ action, machineId: HOST, params });
  assert.ok('plan' in outcome, 'refused' in outcome ? outcome.refused : '');
  await core.intents.run(outcome.plan);
  const run = core.store.getState().actions.find((a) => a.plan === outcome.plan);
  assert.equal(run?.state, 'succeeded', JSON.stringify(run?.result));
  return outcome.plan;
}

test('a service action from the actions file runs on the host and is audited as user:NAME', { skip }, async () => {
  const plan = await runAndWait('user:mark', { service: 'apache2' });
  assert.equal(plan.command, `sh -c 'mkdir -p ${OUT} && touch -- ${OUT}/mark-apache2'`, 'through sh -c, whatever the login shell');
  assert.equal((await labExec(HOST, `test -f ${OUT}/mark-apache2`)).code, 0, 'the mark file is on the host');
  const entries = audit().filter((e) => e.action === 'user:mark');
  assert.deepEqual(entries.map((e) => e.phase), ['started', 'finished']);
  assert.equal(entries[1]?.exitCode, 0);
  assert.equal(entries[0]?.command, plan.command);
  assert.equal(entries[0]?.host, hostileName);
});

test('a hostile service value is refused before it reaches the template: nothing runs', { skip }, async () => {
  for (const service of [hostileService, '-oProxyCommand=x']) {
    const outcome = core.intents.plan({ action: 'user:mark', machineId: HOST, params: { service } });
    assert.ok('refused' in outcome, `${service} was planned`);
    assert.match(outcome.refused, /is not a valid service name/);
  }
  assert.equal((await labExec(HOST, `ls ${CANARY}-* 2>/dev/null | wc -l`)).stdout.trim(), '0', 'no canary file');
});

test('hostile host, pool and site values reach the command as exactly themselves', { skip }, async () => {
  await runAndWait('user:values', {});
  const out = await labExec(HOST, `cat ${OUT}/values`);
  assert.equal(out.stdout, `${hostileName}\n${hostilePool}\n${hostileSite}\n`);
  assert.equal((await labExec(HOST, `ls ${CANARY}-* 2>/dev/null | wc -l`)).stdout.trim(), '0', 'no canary file');
  assert.deepEqual(
    audit()
      .filter((e) => e.action === 'user:values')
      .map((e) => [e.phase, e.exitCode]),
    [
      ['started', undefined],
      ['finished', 0],
    ],
  );
});
