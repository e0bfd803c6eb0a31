// Failure matrix, configs, on real lab hosts: a harmless edit (config-drift), garbage in
// apache2.conf and sshd_config while the service runs (config-drift + config-test-failed), and
// garbage followed by a restart that fails (service-down with config.restore offered first).
// Each is seen in the first poll after the fault; the finding's repair writes the baseline copy
// back, runs the config test and reloads or restarts the service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  APACHE_CONF,
  assertCleared,
  DB,
  findingOf,
  matrixSkip,
  SSHD_CONFIG,
  startMatrixHarness,
  WEB,
  type MatrixHarness,
} from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (!skip && h) await h.close();
});

async function sha(host: string, path: string): Promise<string> {
  return (await h.sh(host, `sha256sum < ${path}`)).slice(0, 64);
}

function baselineSha(host: string, path: string): string | undefined {
  return h.core.baselines.load(host).baseline?.files[path]?.sha256;
}

test('config-drift: a harmless edit of apache2.conf is a warning in the first poll (config test passes); config.restore clears it', { skip }, async () => {
  const t = await h.inject(WEB, `printf '# edited by hand\\n' >> ${APACHE_CONF}`);
  const seen = await h.firstPollAfter(WEB, t);
  const f = findingOf(seen, 'config-drift', APACHE_CONF);
  assert.equal(f.severity, 'warning');
  assertCleared(seen, 'config-test-failed');
  assert.deepEqual(f.repairs.map((r) => [r.action, r.params]), [['config.restore', { path: APACHE_CONF, service: 'apache2' }]]);

  const fixed = await h.repairWith(f);
  assert.match(fixed.plan.command, /then apachectl configtest; fi && systemctl reload-or-restart -- apache2\.service && systemctl is-active -- apache2\.service$/);
  assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'config-drift');
  assert.equal(await sha(WEB, APACHE_CONF), baselineSha(WEB, APACHE_CONF));
});

test('config-drift + config-test-failed: garbage appended to apache2.conf (no restart) is critical twice in the first poll; config.restore clears both, apache2 stays active', { skip }, async () => {
  const pid = (await h.sh(WEB, 'systemctl show -p MainPID --value apache2')).trim();
  const t = await h.inject(WEB, `printf 'ThisIsNotADirective on\\n' >> ${APACHE_CONF}`);
  const seen = await h.firstPollAfter(WEB, t);
  const drift = findingOf(seen, 'config-drift', APACHE_CONF);
  const failed = findingOf(seen, 'config-test-failed', 'apache2');
  // The drift detector raises a drift whose service's config test fails to critical.
  assert.equal(drift.severity, 'critical');
  assert.equal(failed.severity, 'critical');
  assert.ok(failed.evidence.some((l) => /ThisIsNotADirective|Invalid command/.test(l)), failed.evidence.join('\n'));
  assertCleared(seen, 'service-down', 'apache2');

  const fixed = await h.repairWith(failed);
  assert.deepEqual(fixed.plan.intent.params, { path: APACHE_CONF, service: 'apache2' });
  const after = await h.firstPollAfter(WEB, fixed.doneAt);
  assertCleared(after, 'config-drift');
  assertCleared(after, 'config-test-failed');
  assert.equal(await sha(WEB, APACHE_CONF), baselineSha(WEB, APACHE_CONF));
  assert.equal((await h.sh(WEB, 'systemctl is-active apache2')).trim(), 'active');
  assert.equal((await h.sh(WEB, 'systemctl show -p MainPID --value apache2')).trim(), pid, 'reloaded, not restarted');
});

test('config-test-failed (sshd -t): an unknown option in sshd_config on lab-db1 is found in the first poll; config.restore tests it and reloads ssh', { skip }, async () => {
  const t = await h.inject(DB, `printf 'RemliteNoSuchOption yes\\n' >> ${SSHD_CONFIG}`);
  const seen = await h.firstPollAfter(DB, t);
  const failed = findingOf(seen, 'config-test-failed', 'ssh');
  assert.equal(failed.severity, 'critical');
  assert.ok(failed.evidence.some((l) => l.includes('$ sshd -t')), failed.evidence.join('\n'));
  assert.ok(failed.evidence.some((l) => l.includes('RemliteNoSuchOption')), failed.evidence.join('\n'));
  assert.equal(findingOf(seen, 'config-drift', SSHD_CONFIG).severity, 'critical');

  const fixed = await h.repairWith(failed);
  assert.match(fixed.plan.command, /then sshd -t; fi && systemctl reload-or-restart -- ssh\.service && systemctl is-active -- ssh\.service$/);
  const after = await h.firstPollAfter(DB, fixed.doneAt);
  assertCleared(after, 'config-test-failed');
  assertCleared(after, 'config-drift');
  assert.equal(after.poll.reach, 'ok');
  assert.equal(await sha(DB, SSHD_CONFIG), baselineSha(DB, SSHD_CONFIG));
  assert.equal((await h.sh(DB, 'systemctl is-active ssh')).trim(), 'active');
});

test('restarted onto a bad config: garbage + systemctl restart apache2 (fails) is service-down with config.restore offered first; it restores, restarts and apache2 is active', { skip }, async () => {
  const t = await h.inject(WEB, `printf 'ThisIsNotADirective on\\n' >> ${APACHE_CONF} && ! systemctl restart apache2`);
  const seen = await h.firstPollAfter(WEB, t);
  const down = findingOf(seen, 'service-down', 'apache2');
  assert.equal(down.severity, 'critical');
  assert.match(down.summary, /apache2 is failed/);
  assert.ok(down.evidence.some((l) => l.includes('config test fails: apachectl configtest')), down.evidence.join('\n'));
  assert.ok(down.evidence.some((l) => l.includes(`config ${APACHE_CONF} differs from the baseline`)), down.evidence.join('\n'));
  assert.deepEqual(down.repairs.map((r) => r.action), ['config.restore', 'service.restart', 'service.start']);
  findingOf(seen, 'config-test-failed', 'apache2');
  findingOf(seen, 'config-drift', APACHE_CONF);

  const fixed = await h.repairWith(down);
  assert.match(fixed.plan.command, /then apachectl configtest; fi && systemctl restart -- apache2\.service && systemctl is-active -- apache2\.service$/, 'restart, not reload: the unit is failed');
  const after = await h.firstPollAfter(WEB, fixed.doneAt);
  for (const cls of ['service-down', 'config-test-failed', 'config-drift'] as const) assertCleared(after, cls);
  assert.equal((await h.sh(WEB, 'systemctl is-active apache2')).trim(), 'active');
});
