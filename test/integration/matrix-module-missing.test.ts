// Failure matrix, module-missing, against a real lab host: a copy of lab-web2 whose checks declare
// a kernel module that is surely not loaded (remlite_dummy) next to one that is built in (overlay).
// The lab hosts share this machine's kernel, and the lab must not change the real kernel: the
// module is not unloaded to inject the fault, and module.load is only planned, never run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from '../../src/model/index.js';
import { findingOf, matrixSkip, PRESENT_MODULE, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;
const MISSING = 'remlite_dummy';

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (!skip && h) await h.close();
});

test('module-missing: a declared module absent from the real host is critical in the first poll, the built-in one is not; module.load is PLANNED ONLY (modprobe -- remlite_dummy), never run: the lab must not change the real kernel', { skip }, async () => {
  // The shared declarations have the built-in module only, and the harness saw them clean.
  const web = h.machine(WEB);
  assert.deepEqual(web.checks?.modules, [PRESENT_MODULE]);
  const copy: Machine = { ...web, checks: { ...web.checks!, modules: [PRESENT_MODULE, MISSING] } };
  const c = h.extraConsole([copy]);
  const t = Date.now();
  const seen = await h.firstPollAfter(WEB, t, c);
  assert.equal(seen.poll.reach, 'ok');
  assert.deepEqual(seen.poll.probe?.modules, [PRESENT_MODULE], 'the probe found the built-in module (/sys/module) only');
  const f = findingOf(seen, 'module-missing', MISSING);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `kernel module ${MISSING} is not loaded`);
  assert.equal(seen.findings.filter((x) => x.class === 'module-missing').length, 1, `${PRESENT_MODULE} is not reported missing`);
  assert.deepEqual(f.repairs.map((r) => [r.action, r.params]), [['module.load', { module: MISSING }]]);

  const planned = c.intents.plan({ machineId: WEB, action: f.repairs[0]!.action, params: f.repairs[0]!.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  assert.ok(planned.plan.command.startsWith(`{ { modprobe -n -- ${MISSING} >/dev/null 2>&1; }`), planned.plan.command);
  assert.ok(planned.plan.command.endsWith(` && modprobe -- ${MISSING}`), planned.plan.command);
  assert.equal(planned.plan.transport, 'ssh');
  // Not run: nothing reached the audit log of that console.
  assert.deepEqual(c.store.getState().actions, []);
  assert.doesNotMatch(safeRead(join(h.stateDir, 'audit.log')), /module\.load/);
});

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
