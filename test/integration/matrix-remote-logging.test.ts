// Failure matrix, remote logging, on the lab's REM stack: every host forwards its logs to lab-log1
// over TCP (rsyslog omfwd). A stopped forwarder is seen on the sender; the log host's listener down
// is seen on every sender and, across the fleet, on the log host's own row as the likely cause.
// Repairs are checked inside the hosts: a fresh message from the sender lands in the log host's file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { RemliteConsole } from '../../src/app/console.js';
import { labFleetConsole } from '../support/lab-console.js';
import type { Finding, PollResult } from '../../src/model/index.js';
import { isLabSkip, labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const LOG = 'lab-log1';
const WEBS = ['lab-web1', 'lab-web2'];
const CLASS = 'remote-logging-broken';

const lab = labInfo();
const skip = isLabSkip(lab)
  ? lab.skip
  : [LOG, ...WEBS].some((n) => !lab.hosts.some((h) => h.name === n))
    ? `the lab has no ${LOG} with ${WEBS.join(', ')} (start it with 3 or more hosts)`
    : false;

let core: RemliteConsole;
let stateDir = '';
const info = (): LabInfo => lab as LabInfo;
const target = (): string => `${info().hosts.find((h) => h.name === LOG)!.address}:514`;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await labExec(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

function firstPollAfter(host: string, t: number): Promise<{ poll: PollResult; findings: Finding[] }> {
  return waitFor(`a poll of ${host} started after ${t}`, () => {
    const h = core.store.getState().hosts[host];
    return h?.last && h.last.at >= t ? { poll: h.last, findings: h.findings } : undefined;
  });
}

const causeOnLogHost = (): Finding | undefined =>
  core.store.getState().hosts[LOG]?.findings.find((f) => f.class === CLASS && f.subject === 'log receiver :514');

/**
 * Sends tagged messages from a host until one is in its file on the log host (rsyslog reconnects
 * when it next sends; a message written into a connection the log host had closed can be lost).
 */
async function arrives(host: string, tag: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await sh(host, `logger -t remlite-fwd ${tag}-${i}`);
    const r = await labExec(LOG, `grep -q 'remlite-fwd.*${tag}-' /var/log/remote/${host}.log`);
    if (r.code === 0) return;
    await new Promise((r2) => setTimeout(r2, 500));
  }
  assert.fail(`no ${tag} message from ${host} reached ${LOG}`);
}

before(async () => {
  if (skip) return;
  ({ core, stateDir } = await labFleetConsole(info(), 'logfwd'));
  core.poller.start();
  for (const web of WEBS) await arrives(web, 'ready');
  const t = Date.now();
  for (const web of WEBS) {
    const s = await firstPollAfter(web, t);
    const fwd = s.poll.probe?.logForwarding?.find((x) => `${x.host}:${x.port}` === target());
    assert.ok(fwd?.states.includes('ESTAB'), `${web} forwards to ${target()} over an established connection: ${JSON.stringify(s.poll.probe?.logForwarding)}`);
    assert.equal(s.findings.some((f) => f.class === CLASS), false);
  }
});

after(async () => {
  if (skip) return;
  await labExec(LOG, 'systemctl is-active --quiet rsyslog || systemctl start rsyslog');
  // Every sender, not only the web hosts the tests wait for: one message after the log host's
  // listener came back may go into the closed connection, and a sender left unconnected (lab-db1
  // once) shows remote-logging-broken to the next test file's clean-baseline check.
  for (const h of info().hosts) {
    if (h.name === LOG) continue;
    await labExec(h.name, 'systemctl is-active --quiet rsyslog || systemctl start rsyslog');
    await arrives(h.name, 'reconnect');
  }
  await core?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('remote-logging-broken, sender side: the forwarder stopped on lab-web1 is a warning in the first poll (no connection to the log host), the log host is not blamed; restarting rsyslog makes a new message arrive on the log host', { skip }, async () => {
  const web = WEBS[0]!;
  await sh(web, 'systemctl stop syslog.socket rsyslog.service');
  const t = Date.now();
  const s = await firstPollAfter(web, t);
  const f = s.findings.find((x) => x.class === CLASS && x.subject === target());
  assert.ok(f, `a ${CLASS} finding; got ${s.findings.map((x) => `${x.class} ${x.subject ?? ''}`).join('; ')}`);
  assert.equal(f.severity, 'warning');
  assert.equal(f.summary, `logs not reaching ${target()} (no connection)`);
  assert.ok(f.evidence.some((e) => e.includes('rsyslog is inactive')), f.evidence.join(' | '));
  const other = await firstPollAfter(WEBS[1]!, t);
  assert.equal(other.findings.some((x) => x.class === CLASS), false, `${WEBS[1]} still forwards`);
  assert.equal(causeOnLogHost(), undefined, 'one sender down does not blame the log host');

  const ref = f.repairs[0]!;
  assert.deepEqual([ref.action, ref.params], ['service.restart', { service: 'rsyslog' }]);
  const planned = core.intents.plan({ machineId: web, action: ref.action, params: ref.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  await core.intents.run(planned.plan);
  const run = core.store.getState().actions.find((a) => a.plan === planned.plan)!;
  assert.equal(run.state, 'succeeded', `${run.result?.error ?? ''} ${run.result?.outputTail ?? ''}`);
  await arrives(web, 'after-restart');
  const back = await firstPollAfter(web, Date.now());
  assert.equal(back.findings.some((x) => x.class === CLASS), false, back.findings.map((x) => x.summary).join('; '));
});

test('remote-logging-broken, log host side: the listener on lab-log1 stopped is a warning on each web host in the first poll and a critical likely cause on the log host row; its repair (start rsyslog) brings the senders\' messages back', { skip }, async () => {
  await sh(LOG, 'systemctl stop syslog.socket rsyslog.service');
  const t = Date.now();
  for (const web of WEBS) {
    const s = await firstPollAfter(web, t);
    const f = s.findings.find((x) => x.class === CLASS && x.subject === target());
    assert.ok(f, `${web}: a ${CLASS} finding; got ${s.findings.map((x) => `${x.class} ${x.subject ?? ''}`).join('; ')}; ${JSON.stringify(s.poll.probe?.logForwarding)}`);
    assert.equal(f.severity, 'warning');
  }
  const cause = await waitFor('the log host row to show the likely cause', () => {
    const c = causeOnLogHost();
    return c && WEBS.every((w) => c.evidence[0]?.includes(w)) ? c : undefined;
  });
  assert.equal(cause.severity, 'critical');
  assert.match(cause.summary, /^likely cause: logs of \d+ hosts do not arrive on port 514 here$/);
  const seenByLogHost = core.store.getState().hosts[LOG]?.last?.probe?.logSenders?.map((s) => s.sender) ?? [];
  for (const web of WEBS) assert.ok(seenByLogHost.includes(web), `${LOG} keeps a file per sender: ${seenByLogHost.join(', ')}`);
  for (const web of WEBS) assert.ok(cause.evidence.some((e) => e.startsWith(`${web}: last message `)), cause.evidence.join(' | '));

  const own = await firstPollAfter(LOG, t);
  const down = own.findings.find((x) => x.class === 'service-down' && x.subject === 'rsyslog');
  assert.ok(down, `the log host's own rsyslog is down: ${own.findings.map((x) => x.class).join(', ')}`);
  const ref = down.repairs.find((r) => r.action === 'service.restart' || r.action === 'service.start')!;
  const planned = core.intents.plan({ machineId: LOG, action: ref.action, params: ref.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  await core.intents.run(planned.plan);
  const run = core.store.getState().actions.find((a) => a.plan === planned.plan)!;
  assert.equal(run.state, 'succeeded', `${run.result?.error ?? ''} ${run.result?.outputTail ?? ''}`);
  assert.equal((await sh(LOG, 'systemctl is-active rsyslog')).trim(), 'active');
  for (const web of WEBS) await arrives(web, 'listener-back');
  const back = Date.now();
  for (const web of WEBS) {
    const s = await firstPollAfter(web, back);
    assert.equal(s.findings.some((x) => x.class === CLASS), false, `${web}: ${s.findings.map((x) => x.summary).join('; ')}`);
  }
  await waitFor('the log host row to be cleared', () => !causeOnLogHost());
});
