// Failure matrix, remote logging seen from the log host's own data: after accept, lab-log1 knows
// which senders were sending (their /var/log/remote/NAME.log written in the hour before). One
// sender whose forwarder stops goes silent there: past logSilentAfterSec (set low here) the log
// host's poll names it, and the sender's row gets it as the likely cause with its repair.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { RemliteConsole } from '../../src/app/console.js';
import { labFleetConsole } from '../support/lab-console.js';
import type { Finding } from '../../src/model/index.js';
import { isLabSkip, labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const LOG = 'lab-log1';
const SILENT = 'lab-web2';
const SILENT_AFTER_SEC = 15;
const CLASS = 'remote-logging-broken';

const lab = labInfo();
const skip = isLabSkip(lab) ? lab.skip : [LOG, SILENT].some((n) => !lab.hosts.some((h) => h.name === n)) ? `the lab has no ${LOG} and ${SILENT} (start it with 3 or more hosts)` : false;
const info = (): LabInfo => lab as LabInfo;
/** Every sender but the one made silent keeps logging (a transient unit inside each host), so only that one goes quiet. */
const talkers = () => info().hosts.filter((h) => h.name !== LOG && h.name !== SILENT).map((h) => h.name);

const CHATTER = 'systemctl stop remlite-chatter 2>/dev/null; systemctl reset-failed remlite-chatter 2>/dev/null; systemd-run --unit=remlite-chatter sh -c "while :; do logger -t remlite-chatter tick; sleep 2; done"';

let core: RemliteConsole;
let stateDir = '';

async function sh(host: string, cmd: string): Promise<string> {
  const r = await labExec(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

const ownOf = (host: string): Finding[] => {
  const h = core.store.getState().hosts[host];
  return h ? h.findings.filter((f) => !h.derived?.includes(f)) : [];
};
const derivedOf = (host: string): Finding[] => core.store.getState().hosts[host]?.derived ?? [];
const silentOnLogHost = (): Finding[] => ownOf(LOG).filter((f) => f.class === CLASS && f.subject?.startsWith('sender '));

before(async () => {
  if (skip) return;
  for (const h of talkers()) await sh(h, CHATTER);
  await sh(SILENT, 'logger -t remlite-fwd before-accept');
  ({ core, stateDir } = await labFleetConsole(info(), 'silent', { logSilentAfterSec: SILENT_AFTER_SEC }));
  core.poller.start();
  await waitFor(`${LOG} polled with its senders' files`, () => (core.store.getState().hosts[LOG]?.last?.probe?.logSenders?.length ?? 0) > 0);
  await core.intents.acceptBaseline({ machineId: LOG });
});

after(async () => {
  if (skip) return;
  await labExec(SILENT, 'systemctl is-active --quiet rsyslog || systemctl start rsyslog; logger -t remlite-fwd reconnect');
  for (const h of [...talkers(), SILENT]) await labExec(h, 'systemctl stop remlite-chatter');
  await core?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('remote-logging-broken, log host data: lab-web2 sending at accept, its forwarder stopped, is named by lab-log1 once silent past logSilentAfterSec, and its own row gets the likely cause; restarting its rsyslog clears both', { skip }, async () => {
  const learned = core.baselines.load(LOG).baseline?.learned?.logSenders ?? [];
  assert.ok(learned.includes(SILENT) && talkers().every((t) => learned.includes(t)), `the senders learned at accept: ${learned.join(', ')}`);

  await sh(SILENT, 'systemctl stop syslog.socket rsyslog.service');
  const f = await waitFor(`${LOG} to name the silent sender`, () => silentOnLogHost().find((x) => x.subject === `sender ${SILENT}`), 120_000);
  assert.equal(f.severity, 'warning');
  assert.match(f.summary, new RegExp(`^no logs from ${SILENT} for over ${SILENT_AFTER_SEC}s \\(last message `));
  assert.ok(f.evidence.some((e) => e.includes('logSilentAfterSec')), f.evidence.join(' | '));
  // (Files the log host wrote at boot for odd sender names, e.g. "localhost", may be named too: they were written in the hour before accept.)
  const named = silentOnLogHost().map((x) => x.subject);
  assert.deepEqual(talkers().filter((t) => named.includes(`sender ${t}`)), [], `the senders that still log are not named: ${named.join(', ')}`);

  const cause = await waitFor(`${SILENT}'s row to show the likely cause`, () => derivedOf(SILENT).find((x) => x.class === CLASS && x.subject === `silent at ${LOG}`));
  assert.match(cause.summary, new RegExp(`^likely cause: ${LOG} gets no logs from this host`));
  const ref = cause.repairs[0]!;
  assert.deepEqual([ref.action, ref.params], ['service.restart', { service: 'rsyslog' }]);
  const planned = core.intents.plan({ machineId: SILENT, action: ref.action, params: ref.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  await core.intents.run(planned.plan);
  const run = core.store.getState().actions.find((a) => a.plan === planned.plan)!;
  assert.equal(run.state, 'succeeded', `${run.result?.error ?? ''} ${run.result?.outputTail ?? ''}`);
  // The first message after a reconnect can be lost (written into the connection the log host had closed): it keeps talking.
  await sh(SILENT, CHATTER);
  await waitFor(`${LOG} to hear from ${SILENT} again`, () => !silentOnLogHost().some((x) => x.subject === `sender ${SILENT}`), 120_000);
  await waitFor(`${SILENT}'s row cleared`, () => !derivedOf(SILENT).some((x) => x.class === CLASS));
});
