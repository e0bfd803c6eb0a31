// Failure matrix, module-missing, against a real lab host: a copy of lab-web2 whose checks declare
// a kernel module that is surely not loaded (remlite_dummy) next to built-in ones (overlay, ext4).
// The lab hosts have no /lib/modules: there the probe cannot list built-ins and must say so.
// The lab hosts share this machine's kernel, and the lab must not change the real kernel: the
// module is not unloaded to inject the fault, and module.load is only planned, never run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from '../../src/model/index.js';
import { findingOf, matrixSkip, PRESENT_MODULE, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';
import { answered } from '../support/lab-console.js';

const skip = matrixSkip();
let h: MatrixHarness;
const MISSING = 'remlite_dummy';

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (!skip && h) await h.close();
});

/** The kernel's list of built-ins as the probe looks for it inside the host (the lab hosts have none). */
const BUILTIN_LIST = '/lib/modules/$(uname -r)/modules.builtin';
/** Some kernels list a built-in ext4 under /sys/module (it has parameters); the probe then sees it as present. */
const EXT4_IN_SYS = existsSync('/sys/module/ext4');

test('module-missing, cannot tell: without modules.builtin in the host, a module absent from the kernel is info (cannot tell), never missing; ext4 is present where this kernel shows it in /sys/module, else cannot tell; the built-in overlay is present', { skip }, async () => {
  await h.sh(WEB, `test ! -e ${BUILTIN_LIST}`);
  const web = h.machine(WEB);
  const copy: Machine = { ...web, checks: { ...web.checks!, modules: [PRESENT_MODULE, 'ext4', MISSING] } };
  const c = h.extraConsole([copy]);
  const seen = await h.firstPollAfter(WEB, Date.now(), c);
  assert.ok(answered(seen.poll.reach), `reach ${seen.poll.reach}`);
  const unknown = EXT4_IN_SYS ? [MISSING] : ['ext4', MISSING];
  assert.deepEqual(seen.poll.probe?.modules, EXT4_IN_SYS ? [PRESENT_MODULE, 'ext4'] : [PRESENT_MODULE]);
  assert.deepEqual(seen.poll.probe?.modulesUnknown, unknown);
  const found = seen.findings.filter((x) => x.class === 'module-missing');
  assert.deepEqual(found.map((f) => [f.subject, f.severity, f.summary]),
    unknown.map((m) => [m, 'info', `cannot tell whether kernel module ${m} is available`]));
  for (const f of found) {
    assert.deepEqual(f.repairs, []);
    assert.ok(!f.evidence.some((e) => /not built into|not loaded$/.test(e)), f.evidence.join(' | '));
  }
});

test('module-missing: with the kernel\'s modules.builtin readable in the host, ext4 (listed) is present and a declared module absent from it is critical in the first poll; module.load is PLANNED ONLY (modprobe -- remlite_dummy), never run: the lab must not change the real kernel', { skip }, async () => {
  // Written inside the host's own root (its overlay), not the real kernel's: only the probe reads it.
  await h.sh(WEB, `test ! -e /lib/modules/$(uname -r) && mkdir -p /lib/modules/$(uname -r) && printf 'kernel/fs/ext4/ext4.ko\\nkernel/fs/fat/vfat.ko\\n' > ${BUILTIN_LIST}`);
  try {
    const web = h.machine(WEB);
    assert.deepEqual(web.checks?.modules, [PRESENT_MODULE]);
    const copy: Machine = { ...web, checks: { ...web.checks!, modules: [PRESENT_MODULE, 'ext4', MISSING] } };
    const c = h.extraConsole([copy]);
    const seen = await h.firstPollAfter(WEB, Date.now(), c);
    assert.ok(answered(seen.poll.reach), `reach ${seen.poll.reach}`);
    assert.deepEqual(seen.poll.probe?.modules, [PRESENT_MODULE, 'ext4'], 'overlay from /sys/module, ext4 from modules.builtin');
    assert.equal(seen.poll.probe?.modulesUnknown, undefined);
    const f = findingOf(seen, 'module-missing', MISSING);
    assert.equal(f.severity, 'critical');
    assert.equal(f.summary, `kernel module ${MISSING} is not loaded`);
    assert.equal(seen.findings.filter((x) => x.class === 'module-missing').length, 1, 'ext4 and overlay are not reported');
    assert.deepEqual(f.repairs.map((r) => [r.action, r.params]), [['module.load', { module: MISSING }]]);

    const planned = c.intents.plan({ machineId: WEB, action: f.repairs[0]!.action, params: f.repairs[0]!.params });
    assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
    assert.ok(planned.plan.command.startsWith(`{ { modprobe -n -- ${MISSING} >/dev/null 2>&1; }`), planned.plan.command);
    assert.ok(planned.plan.command.endsWith(` && modprobe -- ${MISSING}`), planned.plan.command);
    assert.equal(planned.plan.transport, 'ssh');
    // Not run: nothing reached the audit log of that console.
    assert.deepEqual(c.store.getState().actions, []);
    assert.doesNotMatch(safeRead(join(h.stateDir, 'audit.log')), /module\.load/);
  } finally {
    await h.sh(WEB, 'rm -r -- /lib/modules/$(uname -r) && rmdir /lib/modules');
  }
});

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
