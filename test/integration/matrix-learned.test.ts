// Failure matrix, what the baseline learns by itself at accept (issue 15): units running at accept
// and the TCP ports their processes listen on, watched without any declaration. Real lab hosts:
// `systemctl stop cron` on a host that declares nothing, and every apache2 process SIGSTOPped (the
// unit stays active, HTTP stops answering). Each is found in the first poll that started after the
// fault; the repair is checked inside the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleared, DB, findingOf, matrixSkip, ownProblems, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';
import type { Machine } from '../../src/model/index.js';
import type { RemliteConsole } from '../../src/app/console.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, 'systemctl kill --signal=SIGCONT apache2 || :; systemctl is-active --quiet cron || systemctl start cron');
  await h.close();
});

/** lab-web2 as a host that declares nothing at all (no services, no checks), in its own console, accepted. */
async function bareConsole(): Promise<{ c: RemliteConsole; id: string }> {
  const { checks: _checks, ...rest } = h.machine(WEB);
  const bare: Machine = { ...rest, services: [] };
  const c = h.extraConsole([bare]);
  const at = Date.now();
  await c.intents.acceptBaseline({ machineId: bare.id });
  assert.ok(c.store.getState().baselineInfo[bare.id], `accepted: ${c.store.getState().notice?.text ?? ''}`);
  const first = await h.firstPollAfter(bare.id, at, c);
  assert.deepEqual(ownProblems(first.findings).map((f) => f.summary), [], 'no warning or critical finding after the accept');
  return { c, id: bare.id };
}

/** HEAD / to the host's own apache, from inside the host: its status line, or the failure. */
async function headInHost(): Promise<string> {
  const addr = h.lab.hosts.find((x) => x.name === WEB)!.address;
  return (await h.sh(WEB, `timeout 5 bash -c 'exec 3<>/dev/tcp/${addr}/80 && printf "HEAD / HTTP/1.0\\r\\n\\r\\n" >&3 && head -n 1 <&3' || echo "no answer: exit $?"`)).trim();
}

test('service-down, learned: systemctl stop cron on a host that declares nothing is critical in the first poll, says A accepts it; service.start makes cron active', { skip }, async () => {
  const { c, id } = await bareConsole();
  try {
    const t = await h.inject(WEB, 'systemctl stop cron');
    const seen = await h.firstPollAfter(id, t, c);
    const f = findingOf(seen, 'service-down', 'cron');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /cron is inactive \(dead\); it ran at accept/);
    assert.ok(f.evidence.some((e) => /accept the host again \(A\)/.test(e)), f.evidence.join('\n'));
    assert.deepEqual(f.repairs.map((r) => r.action), ['service.start', 'service.restart']);

    const fixed = await h.repairWith(f, 'service.start', c);
    assert.equal(fixed.plan.command, 'systemctl start -- cron.service');
    assertCleared(await h.firstPollAfter(id, fixed.doneAt, c), 'service-down', 'cron');
    assert.equal((await h.sh(WEB, 'systemctl is-active cron')).trim(), 'active');
  } finally {
    await h.sh(WEB, 'systemctl is-active --quiet cron || systemctl start cron');
  }
});

test('service-down, learned: cron stopped on purpose and the host accepted again (A) is no longer reported (cron is not asked for)', { skip }, async () => {
  const { c, id } = await bareConsole();
  try {
    await h.inject(WEB, 'systemctl stop cron');
    await c.intents.acceptBaseline({ machineId: id });
    // A poll that began while the accept ran used the baseline before it; the first one after it counts.
    const at = Date.now();
    const after = await h.firstPollAfter(id, at, c);
    assertCleared(after, 'service-down', 'cron');
    assert.equal(after.poll.probe?.services.find((s) => s.name === 'cron'), undefined, 'cron is no longer asked for');
  } finally {
    await h.sh(WEB, 'systemctl is-active --quiet cron || systemctl start cron');
  }
});

test('service-unresponsive: SIGSTOP of every apache2 process (unit stays active) is critical in the first poll; service.force-restart makes apache answer HEAD / again inside the host', { skip }, async () => {
  try {
    assert.match(await headInHost(), /^HTTP\/1\.[01] 200/, 'apache answers before the fault');
    const t = await h.inject(WEB, 'systemctl kill --signal=SIGSTOP apache2 && systemctl is-active apache2');
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'service-unresponsive', 'apache2');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /apache2 does not answer \(HEAD \/ on [\d.]+:80: no answer in 5 s\)/);
    assert.equal(seen.poll.probe?.services.find((s) => s.name === 'apache2')?.active, 'active', 'the unit itself looks fine');
    assert.equal(seen.findings.filter((x) => x.class === 'service-down').length, 0, 'not service-down: the unit is active');
    assert.match(await headInHost(), /^no answer: exit 124/, 'frozen for real');
    assert.deepEqual(f.repairs.map((r) => r.action), ['service.force-restart', 'service.restart']);

    const fixed = await h.repairWith(f);
    assert.equal(fixed.plan.intent.action, 'service.force-restart');
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'service-unresponsive', 'apache2');
    assert.match(await headInHost(), /^HTTP\/1\.[01] 200/, 'apache answers HEAD / again, seen inside the host');
    const states = (await h.sh(WEB, 'for p in $(systemctl show -p MainPID --value apache2) $(pgrep -x apache2); do ps -o stat= -p $p; done | sort -u')).trim();
    assert.doesNotMatch(states, /T/, `no apache2 process is stopped any more: ${states}`);
  } finally {
    await h.sh(WEB, 'systemctl kill --signal=SIGCONT apache2 || :');
  }
});

const SYSLOG = '/var/log/syslog';

test('file-perms, learned: chmod 0604 + chown nobody of /var/log/syslog (declared nowhere, rsyslog writes it) is found in the first poll; perms.restore puts 0640 root:adm back', { skip }, async () => {
  assert.equal((await h.sh(WEB, `stat -c '%a %U %G' ${SYSLOG}`)).trim(), '640 root adm', 'as accepted');
  try {
    const t = await h.inject(WEB, `chown nobody ${SYSLOG} && chmod 0604 ${SYSLOG}`);
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'file-perms', SYSLOG);
    assert.match(f.summary, /mode 0640 → 0604, owner root → nobody/);
    assert.deepEqual(f.repairs.map((r) => r.action), ['perms.restore']);
    const fixed = await h.repairWith(f);
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'file-perms', SYSLOG);
    assert.equal((await h.sh(WEB, `stat -c '%a %U %G' ${SYSLOG}`)).trim(), '640 root adm');
  } finally {
    await h.sh(WEB, `chown root:adm ${SYSLOG}; chmod 0640 ${SYSLOG}`);
  }
});

test('file-perms, learned: rm /var/log/syslog under a running rsyslog is critical in the first poll; log.reopen (SIGHUP) has rsyslog write a new /var/log/syslog, checked in the host', { skip }, async () => {
  const deletedOpen = `ls -l /proc/$(systemctl show -p MainPID --value rsyslog)/fd | grep -c '/var/log/syslog (deleted)' || :`;
  try {
    const t = await h.inject(WEB, `rm ${SYSLOG}`);
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'file-perms', SYSLOG);
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /\/var\/log\/syslog was deleted while rsyslog runs/);
    assert.equal((await h.sh(WEB, deletedOpen)).trim(), '1', 'rsyslog still writes into the deleted file');
    assert.deepEqual(f.repairs.map((r) => r.action), ['log.reopen']);

    const fixed = await h.repairWith(f);
    assert.match(fixed.plan.command, /systemctl kill --kill-whom=main --signal=SIGHUP -- rsyslog\.service/);
    assert.ok(fixed.plan.preconditions?.includes('rsyslog.service is running'));
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'file-perms', SYSLOG);
    assert.equal((await h.sh(WEB, `stat -c '%F %a %U %G' ${SYSLOG}`)).trim(), 'regular file 640 root adm');
    assert.equal((await h.sh(WEB, deletedOpen)).trim(), '0', 'rsyslog holds no deleted syslog any more');
    // The repair's own line reaches the new file through journald and rsyslog, after the repair is
    // done: waited for in the host (30 s bound, inside labExec's 60 s), then read.
    const mark = 'remlite: log.reopen: rsyslog.service reopened its logs';
    const waited = await h.sh(WEB, `for i in $(seq 300); do grep -qF '${mark}' ${SYSLOG} && echo seen && exit 0; sleep 0.1; done; echo never`);
    assert.equal(waited.trim(), 'seen', `${SYSLOG} never got the repair's line: ${await h.sh(WEB, `tail -n 5 ${SYSLOG}`)}`);
    assert.match(await h.sh(WEB, `cat ${SYSLOG}`), /remlite: log\.reopen: rsyslog\.service reopened its logs/);
  } finally {
    await h.sh(WEB, `[ -e ${SYSLOG} ] || systemctl kill --kill-whom=main --signal=SIGHUP rsyslog; logger -t remlite-test cleanup`);
  }
});

const FOUND_DB = 'remlite_found';

test('db-tables-missing, learned: DROP TABLE in a database nobody declared (found at accept) is critical in the first poll whose table lists were read after it (heavy checks); db.restore brings the table and its rows back', { skip }, async () => {
  try {
    await h.sh(DB, `mysql -e 'DROP DATABASE IF EXISTS ${FOUND_DB}; CREATE DATABASE ${FOUND_DB};
      CREATE TABLE ${FOUND_DB}.pages (id INT PRIMARY KEY, title VARCHAR(40));
      CREATE TABLE ${FOUND_DB}.tags (id INT PRIMARY KEY);
      INSERT INTO ${FOUND_DB}.pages VALUES (1, "home"), (2, "about");'`);
    const at = Date.now();
    await h.core.intents.acceptBaseline({ machineId: DB });
    const clean = await h.firstHeavyPollAfter(DB, at);
    assert.deepEqual(ownProblems(clean.findings).map((f) => f.summary), [], `clean after the accept: ${h.core.store.getState().notice?.text ?? ''}`);
    assert.ok(!h.machine(DB).checks?.databases.some((d) => d.name === FOUND_DB), 'not declared');

    const t = await h.inject(DB, `mysql -e 'DROP TABLE ${FOUND_DB}.pages'`);
    const seen = await h.firstHeavyPollAfter(DB, t);
    const f = findingOf(seen, 'db-tables-missing', FOUND_DB);
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /1 table\(s\) missing from remlite_found/);
    assert.deepEqual(f.repairs.map((r) => r.action), ['db.restore', 'db.rollback']);

    const fixed = await h.repairWith(f);
    assertCleared(await h.firstHeavyPollAfter(DB, fixed.doneAt), 'db-tables-missing', FOUND_DB);
    assert.equal((await h.sh(DB, `mysql -N -B -e 'SELECT title FROM ${FOUND_DB}.pages ORDER BY id'`)).trim(), 'home\nabout');
  } finally {
    await h.sh(DB, `mysql -e 'DROP DATABASE IF EXISTS ${FOUND_DB}'`);
  }
});

const HANG_UNIT = '/run/systemd/system/remlite-hang.service';

/** Plans an action on lab-web2 through the console's intents, runs it, returns the finished run. */
async function runOnWeb(action: string, params: Record<string, string>) {
  const planned = h.core.intents.plan({ machineId: WEB, action, params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  await h.core.intents.run(planned.plan);
  const run = h.core.store.getState().actions.find((a) => a.plan === planned.plan);
  assert.ok(run?.result, 'the run finished');
  return run;
}

test('service.force-restart fails closed on the host (exit 3) for a unit that is not loaded; a unit whose stop hangs (SIGTERM ignored) is killed after 30 s and started again', { skip }, async () => {
  const refused = await runOnWeb('service.force-restart', { service: 'remlite-absent' });
  assert.equal(refused.result?.exitCode, 3);
  assert.match(refused.result?.outputTail ?? '', /precondition failed: remlite-absent\.service is a loaded unit/);

  try {
    await h.sh(WEB, `printf '[Service]\\nExecStart=/bin/sh -c "trap \\\\"\\\\" TERM; while :; do sleep 1; done"\\nTimeoutStopSec=300\\n' > ${HANG_UNIT} && systemctl daemon-reload && systemctl start remlite-hang && systemctl is-active remlite-hang`);
    const before = (await h.sh(WEB, 'systemctl show -p MainPID --value remlite-hang')).trim();
    const run = await runOnWeb('service.force-restart', { service: 'remlite-hang' });
    assert.equal(run.state, 'succeeded', run.result?.outputTail);
    assert.match(run.result?.outputTail ?? '', /did not finish in 30 s: killing its processes \(SIGKILL\)/);
    assert.equal((await h.sh(WEB, 'systemctl is-active remlite-hang')).trim(), 'active');
    const after = (await h.sh(WEB, 'systemctl show -p MainPID --value remlite-hang')).trim();
    assert.notEqual(after, before, 'a new main process');
    assert.equal((await h.sh(WEB, `kill -0 ${before} 2>/dev/null && echo alive || echo gone`)).trim(), 'gone', 'the hung process was killed');
  } finally {
    await h.sh(WEB, `systemctl kill --signal=SIGKILL remlite-hang 2>/dev/null; systemctl stop remlite-hang 2>/dev/null; rm -f ${HANG_UNIT}; systemctl daemon-reload; systemctl reset-failed remlite-hang 2>/dev/null || :`);
  }
});
