// Failure matrix, service-restart-loop and service-missing, on a real lab host: a transient unit
// that exits 1 every 0.3 s under Restart=always (systemd counts NRestarts), and an expected unit
// whose unit file is deleted. Both are watched by a second console over a copy of lab-web2 that
// expects these units (the shared inventory must not expect units that only exist in a test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import type { Machine } from '../../src/model/index.js';
import { assertCleared, findingOf, matrixSkip, ownProblems, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';
import { waitFor } from '../support/wait-for.js';

const skip = matrixSkip();
let h: MatrixHarness;

const FLAP = 'remlite-flap';
const GONE = 'remlite-faults-svc';
const GONE_UNIT = `/etc/systemd/system/${GONE}.service`;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, `systemctl stop ${FLAP} ${GONE} 2>/dev/null; systemctl reset-failed ${FLAP} 2>/dev/null; rm -f ${GONE_UNIT}; systemctl daemon-reload; true`);
  await h.close();
});

/** lab-web2 as declared, expecting one more unit and declaring no checks (no baseline needed). */
function expecting(unit: string): Machine {
  const web = h.machine(WEB);
  return { ...web, services: [...web.services, unit], checks: undefined };
}

test('service-restart-loop: a unit crash-looping under Restart=always is reported once NRestarts reaches the threshold; the detector offers no repair, service.stop ends the loop', { skip }, async () => {
  const c = h.extraConsole([expecting(FLAP)]);
  try {
    await waitFor('the copy of lab-web2 to be probed', () => c.store.getState().hosts[WEB]?.last?.reach === 'ok');
    await h.sh(WEB, `systemd-run --unit=${FLAP} -p Restart=always -p RestartSec=200ms -p StartLimitIntervalSec=0 sh -c 'sleep 0.3; exit 1'`);
    // The fault is "in place" once systemd has counted the threshold's restarts.
    const limit = DEFAULT_THRESHOLDS.restartLoopCount;
    const t = await h.inject(
      WEB,
      `for i in $(seq 200); do n=$(systemctl show -p NRestarts --value ${FLAP}); [ "\${n:-0}" -ge ${limit} ] && exit 0; sleep 0.1; done; exit 1`,
    );
    const seen = await h.firstPollAfter(WEB, t, c);
    const f = findingOf(seen, 'service-restart-loop', FLAP);
    assert.equal(f.severity, 'warning');
    assert.match(f.summary, new RegExp(`service ${FLAP} restarted \\d+ times`));
    const restarts = seen.poll.probe?.services.find((s) => s.name === FLAP)?.restarts ?? 0;
    assert.ok(restarts >= limit, `NRestarts ${restarts} >= ${limit}`);
    assert.deepEqual(f.repairs, [], 'a restart loop has no automatic repair (the catalogue lists none)');

    // The operator's way out: stop the unit (service.stop), planned and run through the intents.
    const planned = c.intents.plan({ machineId: WEB, action: 'service.stop', params: { service: FLAP } });
    assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
    assert.equal(planned.plan.command, `systemctl stop -- ${FLAP}.service`);
    await c.intents.run(planned.plan);
    const run = c.store.getState().actions.find((a) => a.plan === planned.plan);
    assert.equal(run?.state, 'succeeded', run?.result?.outputTail);
    const after = await h.firstPollAfter(WEB, Date.now(), c);
    assertCleared(after, 'service-restart-loop', FLAP);
    assert.notEqual((await h.sh(WEB, `systemctl is-active ${FLAP} || true`)).trim(), 'activating', 'the loop stopped');
    // A stopped transient unit is unloaded by systemd: the copy that expects it now sees it missing.
    assert.ok(after.findings.some((x) => x.class === 'service-missing' && x.subject === FLAP));
  } finally {
    await h.sh(WEB, `systemctl stop ${FLAP} 2>/dev/null; systemctl reset-failed ${FLAP} 2>/dev/null; true`);
  }
});

test('service-missing: deleting an expected unit file (daemon-reload) is reported in the first poll; no repair is offered', { skip }, async () => {
  await h.sh(
    WEB,
    `printf '[Unit]\\nDescription=remlite fault test\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > ${GONE_UNIT} && systemctl daemon-reload && systemctl start ${GONE}`,
  );
  const c = h.extraConsole([expecting(GONE)]);
  try {
    const ready = await h.firstPollAfter(WEB, Date.now(), c);
    assert.equal(ready.poll.probe?.services.find((s) => s.name === GONE)?.active, 'active');
    assert.deepEqual(ownProblems(ready.findings).map((f) => f.class), [], 'no warning or critical finding while the unit is installed and active');

    const t = await h.inject(WEB, `systemctl stop ${GONE} && rm -f ${GONE_UNIT} && systemctl daemon-reload`);
    const seen = await h.firstPollAfter(WEB, t, c);
    const f = findingOf(seen, 'service-missing', GONE);
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.repairs, [], 'installing software is not a console repair');
    assertCleared(seen, 'service-down', GONE);
  } finally {
    await h.sh(WEB, `rm -f ${GONE_UNIT}; systemctl daemon-reload`);
  }
});
