// Failure matrix, mail, on the lab's postfix host (lab-mail1, local delivery; the test declares
// /etc/postfix/main.cf for postfix@-, whose default config test is `postfix check`, as an inventory
// would): a queue backlog, postfix down, a bad main.cf. Each test breaks the host, checks the first poll started after the fault,
// runs the finding's own repair and checks inside the host that mail works again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { Finding, PollResult } from '../../src/model/index.js';
import type { ActionRun } from '../../src/store/index.js';
import { isLabSkip, labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const MAIL = 'lab-mail1';
const UNIT = 'postfix@-';
const MAIN_CF = '/etc/postfix/main.cf';

const lab = labInfo();
const skip = isLabSkip(lab) ? lab.skip : !lab.hosts.some((h) => h.name === MAIL) ? `the lab has no ${MAIL} (start it with 3 or more hosts)` : false;

let core: RemliteConsole;
let stateDir = '';
let savedMainCf = '';

async function sh(cmd: string): Promise<string> {
  const r = await labExec(MAIL, cmd);
  assert.equal(r.code, 0, `${MAIL}: ${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

interface Seen {
  poll: PollResult;
  findings: Finding[];
}

function firstPollAfter(t: number): Promise<Seen> {
  return waitFor(`a poll of ${MAIL} started after ${t}`, () => {
    const h = core.store.getState().hosts[MAIL];
    return h?.last && h.last.at >= t ? { poll: h.last, findings: h.findings } : undefined;
  });
}

function findingOf(s: Seen, cls: string, subject?: string): Finding {
  const f = s.findings.find((x) => x.class === cls && (subject === undefined || x.subject === subject));
  assert.ok(f, `a ${cls} finding in the poll at ${s.poll.at} (${s.poll.reach}); got: ${s.findings.map((x) => `${x.class} ${x.subject ?? ''}`).join('; ') || 'none'}`);
  return f;
}

async function run(machineId: string, action: string, params: Record<string, string>): Promise<{ run: ActionRun; doneAt: number }> {
  const planned = core.intents.plan({ machineId, action, params });
  assert.ok('plan' in planned, 'refused' in planned ? `${action} refused: ${planned.refused}` : '');
  await core.intents.run(planned.plan);
  const r = core.store.getState().actions.find((a) => a.plan === planned.plan);
  assert.ok(r);
  return { run: r, doneAt: Date.now() };
}

before(async () => {
  if (skip) return;
  savedMainCf = (await sh(`base64 -w0 < ${MAIN_CF}`)).trim();
  const fleet = await loadFleet({ inventoryPath: (lab as LabInfo).inventoryPath, noSshConfig: true, includeLocal: false });
  const listed = fleet.machines.find((m) => m.id === MAIL);
  assert.ok(listed, `${MAIL} is in the lab inventory`);
  const checks = listed.checks ?? { configs: [], permFiles: [], dataPaths: [], modules: [], databases: [], cleanupPaths: [] };
  const mail = { ...listed, checks: { ...checks, configs: [...checks.configs, { path: MAIN_CF, service: UNIT }] } };
  stateDir = mkdtempSync(join(tmpdir(), 'remlite-mail-'));
  core = createConsole({
    machines: [mail],
    auditPath: join(stateDir, 'audit.log'),
    stateDir,
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 4,
    logScrollback: 100,
  });
  core.poller.start();
  const clean = await firstPollAfter(Date.now());
  assert.equal(clean.poll.probe?.mailQueue?.count, 0, 'an empty queue to start with');
  assert.deepEqual(clean.poll.probe?.configTests?.map((c) => [c.service, c.command, c.ok]), [[UNIT, 'postfix check', true]]);
});

after(async () => {
  if (skip) return;
  await labExec(MAIL, `echo ${savedMainCf} | base64 -d > ${MAIN_CF}; postfix check && { systemctl is-active --quiet ${UNIT} && postfix reload || systemctl start ${UNIT}; }; postsuper -d ALL`);
  await core?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('mail-queue-backlog: 120 messages deferred by postfix (defer_transports=local) are a warning in the first poll; once the cause is fixed, mail.flush delivers them all', { skip }, async () => {
  await sh('postconf -e defer_transports=local && postfix reload');
  await sh('i=0; while [ $i -lt 120 ]; do echo "backlog $i" | sendmail -f root root || exit 1; i=$((i + 1)); done');
  await sh(`i=0; until postqueue -p | tail -n 1 | grep -q ' in 120 Requests'; do i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done`);
  const t = Date.now();
  const seen = await firstPollAfter(t);
  assert.equal(seen.poll.probe?.mailQueue?.count, 120);
  const f = findingOf(seen, 'mail-queue-backlog');
  assert.equal(f.severity, 'warning');
  assert.equal(f.summary, 'mail queue holds 120 messages');
  assert.deepEqual(f.repairs.map((r) => r.action), ['mail.flush']);

  // The cause fixed (deliveries allowed again, not retried before queue_run_delay), then the repair.
  await sh('postconf -X defer_transports && postfix reload');
  const { run: flushed } = await run(MAIL, 'mail.flush', f.repairs[0]!.params);
  assert.equal(flushed.state, 'succeeded', `${flushed.result?.error ?? ''} ${flushed.result?.outputTail ?? ''}`);
  await sh(`i=0; until postqueue -p | grep -q '^Mail queue is empty'; do i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done`);
  // postqueue -f asks the queue manager to deliver, which goes on after the action returns: the poll
  // that must see the queue empty is one started after the host said so, not after the action.
  const drained = Date.now();
  assert.equal(Number((await sh('grep -c "^backlog " /var/mail/root')).trim()) >= 120, true, 'every message reached the mailbox');
  const afterFlush = await firstPollAfter(drained);
  assert.equal(afterFlush.findings.some((x) => x.class === 'mail-queue-backlog'), false, `queue: ${JSON.stringify(afterFlush.poll.probe?.mailQueue)}`);
});

test('service-down (postfix): systemctl stop postfix@- is critical in the first poll; mail.flush refuses on the host while postfix is down; the finding\'s repair starts it and mail is delivered', { skip }, async () => {
  await sh(`systemctl stop ${UNIT}`);
  const t = Date.now();
  const seen = await firstPollAfter(t);
  const f = findingOf(seen, 'service-down', UNIT);
  assert.equal(f.severity, 'critical');
  assert.deepEqual(seen.poll.probe?.mailQueue, { count: 0 }, 'postqueue reads the queue directly while the mail system is down');

  const refused = await run(MAIL, 'mail.flush', {});
  assert.equal(refused.run.state, 'failed');
  assert.equal(refused.run.result?.exitCode, 3);
  assert.match(refused.run.result?.outputTail ?? '', /precondition failed: postfix is running/);

  const ref = f.repairs[0]!;
  const { run: started, doneAt } = await run(MAIL, ref.action, ref.params);
  assert.equal(started.state, 'succeeded', `${ref.action}: ${started.result?.error ?? ''} ${started.result?.outputTail ?? ''}`);
  assert.equal((await sh(`systemctl is-active ${UNIT}`)).trim(), 'active');
  await sh('echo "after restart" | sendmail -f root root');
  await sh(`i=0; until grep -q '^after restart' /var/mail/root; do i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done`);
  const back = await firstPollAfter(doneAt);
  assert.equal(back.findings.some((x) => x.class === 'service-down'), false);
  assert.equal(back.poll.probe?.mailQueue?.count !== undefined, true);
});

test('config-test-failed (postfix check): a line without an equals sign appended to main.cf is critical with config-drift in the first poll; config.restore puts the accepted main.cf back and postfix check passes', { skip }, async () => {
  await core.intents.acceptBaseline({ machineId: MAIL });
  assert.ok(core.store.getState().baselineInfo[MAIL], `baseline accepted: ${core.store.getState().notice?.text ?? ''}`);
  const accepted = Date.now();
  const clean = await firstPollAfter(accepted);
  assert.equal(clean.findings.some((x) => x.class === 'config-drift' || x.class === 'config-test-failed'), false);

  await sh(`echo 'this line has no equals sign' >> ${MAIN_CF} && ! postfix check 2>/dev/null`);
  const t = Date.now();
  const seen = await firstPollAfter(t);
  const failed = findingOf(seen, 'config-test-failed', UNIT);
  assert.equal(failed.severity, 'critical');
  assert.ok(failed.evidence.some((e) => e.includes('postfix check')), failed.evidence.join(' | '));
  findingOf(seen, 'config-drift', MAIN_CF);
  const ref = failed.repairs.find((r) => r.action === 'config.restore');
  assert.ok(ref, `config.restore offered: ${failed.repairs.map((r) => r.action).join(', ')}`);

  const { run: restored, doneAt } = await run(MAIL, ref.action, ref.params);
  assert.equal(restored.state, 'succeeded', `${restored.result?.error ?? ''} ${restored.result?.outputTail ?? ''}`);
  await sh('postfix check');
  assert.equal((await sh(`grep -c 'no equals sign' ${MAIN_CF} || true`)).trim(), '0');
  assert.equal((await sh(`systemctl is-active ${UNIT}`)).trim(), 'active');
  const back = await firstPollAfter(doneAt);
  assert.equal(back.findings.some((x) => x.class === 'config-test-failed' || x.class === 'config-drift'), false, back.findings.map((x) => x.summary).join('; '));
});
