// Failure matrix, unreachable, on a real lab host: sshd stopped inside lab-web2. Stopping ssh.service
// stops the listener only; live sessions survive it, so the console's own pooled session is closed
// too (as a host going down would close it). The next poll must connect and cannot: critical.
// There is no repair: once sshd is back, the console recovers by itself.
// (untrusted-host-key is proven on the same host in test/integration/hostkey-trust.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { findingOf, matrixSkip, startMatrixHarness, WEB, type MatrixHarness, type Observed } from '../support/matrix-harness.js';
import { answered } from '../support/lab-console.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, 'systemctl is-active --quiet ssh || systemctl start ssh');
  await h.close();
});

test('unreachable: systemctl stop ssh in lab-web2 (+ the live session closed) is critical in the first poll; no repair; it recovers by itself when sshd is back', { skip }, async () => {
  try {
    const t = await h.inject(WEB, 'systemctl stop ssh');
    h.core.pool.drop(WEB);
    const seen = await h.firstPollAfter(WEB, t);
    assert.equal(seen.poll.reach, 'unreachable', seen.poll.error);
    const f = findingOf(seen, 'unreachable');
    assert.equal(f.severity, 'critical');
    assert.equal(f.summary, 'host unreachable');
    assert.ok(f.evidence.some((l) => /ECONNREFUSED|refused/i.test(l)), f.evidence.join('\n'));
    assert.deepEqual(f.repairs, []);
    assert.ok(h.core.store.getState().hosts[WEB]?.probe, 'the last good probe is kept (shown as stale)');

    const back = await h.inject(WEB, 'systemctl start ssh');
    // The pool retries after a short backoff (2 s base): the polls until then still fail fast.
    let after: Observed = await h.firstPollAfter(WEB, back);
    for (let i = 0; i < 30 && after.poll.reach !== 'ok'; i++) after = await h.firstPollAfter(WEB, after.poll.at + 1);
    assert.ok(answered(after.poll.reach), `reach ${after.poll.reach}: ${after.poll.error}`);
    assert.deepEqual(after.findings.filter((x) => x.class === 'unreachable'), []);
    assert.deepEqual(h.core.store.getState().actions, [], 'recovered without any action');
  } finally {
    await h.sh(WEB, 'systemctl is-active --quiet ssh || systemctl start ssh');
  }
});
