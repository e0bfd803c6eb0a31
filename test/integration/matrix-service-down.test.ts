// Failure matrix, service-down: apache2 stopped, and apache2 crashed (SIGKILL of its main process),
// on a real lab host. Detected in the first poll after the fault; the finding's repair restarts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleared, findingOf, matrixSkip, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;

// Debian's apache2.service has Restart=on-abort: systemd would restart a SIGKILLed apache2 at
// once. A runtime drop-in (under /run, removed after) makes the crash stick, as on a unit without it.
const NO_RESTART = '/run/systemd/system/apache2.service.d/remlite-no-restart.conf';

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, `rm -f ${NO_RESTART} && systemctl daemon-reload`);
  await h.close();
});

test('service-down: systemctl stop apache2 is critical in the first poll; its service.restart repair makes it active', { skip }, async () => {
  try {
    const t = await h.inject(WEB, 'systemctl stop apache2');
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'service-down', 'apache2');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /apache2 is inactive \(dead\)/);
    assert.deepEqual(f.repairs.map((r) => r.action), ['service.restart', 'service.start'], 'no config drifted: restart first');

    const fixed = await h.repairWith(f);
    assert.equal(fixed.plan.command, 'systemctl restart -- apache2.service');
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'service-down', 'apache2');
    assert.equal((await h.sh(WEB, 'systemctl is-active apache2')).trim(), 'active');
  } finally {
    await h.sh(WEB, 'systemctl is-active --quiet apache2 || systemctl start apache2');
  }
});

test('service-down: kill -9 of apache2 MainPID (crash, auto-restart disabled) is a failed unit in the first poll; service.restart clears it', { skip }, async () => {
  try {
    await h.sh(WEB, `mkdir -p ${NO_RESTART.replace(/\/[^/]+$/, '')} && printf '[Service]\\nRestart=no\\n' > ${NO_RESTART} && systemctl daemon-reload`);
    const pid = (await h.sh(WEB, 'systemctl show -p MainPID --value apache2')).trim();
    assert.match(pid, /^[1-9]\d*$/, 'apache2 has a main process');
    const t = await h.inject(WEB, `kill -9 ${pid} && for i in $(seq 50); do [ "$(systemctl is-active apache2)" = failed ] && exit 0; sleep 0.1; done; exit 1`);
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'service-down', 'apache2');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /apache2 is failed/);
    assert.equal(seen.poll.probe?.services.find((s) => s.name === 'apache2')?.active, 'failed');

    const fixed = await h.repairWith(f);
    assert.equal(fixed.plan.intent.action, 'service.restart');
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'service-down', 'apache2');
    assert.equal((await h.sh(WEB, 'systemctl is-active apache2')).trim(), 'active');
  } finally {
    await h.sh(WEB, `rm -f ${NO_RESTART} && systemctl daemon-reload && (systemctl is-active --quiet apache2 || systemctl restart apache2)`);
  }
});
