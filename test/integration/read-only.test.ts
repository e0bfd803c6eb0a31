// --read-only in the core: no plan, no run, no trust, no baseline, no pool repair; refusals are audited. (Keys are covered by the view tests.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole } from '../../src/app/console.js';
import { localMachine } from '../../providers/local.js';
import { planAction } from '../../src/actions/planner.js';
import { AuditLog } from '../../src/persist/audit-log.js';

test('a read-only console refuses to plan, to run a plan made elsewhere, and to trust keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-ro-'));
  const auditPath = join(dir, 'audit.log');
  const canary = join(dir, 'ran');
  const core = createConsole({
    machines: [localMachine(['remlite-none'])],
    auditPath,
    readOnly: true,
    pollIntervalMs: 60_000,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 5000,
    maxConcurrent: 2,
    logScrollback: 100,
  });
  try {
    const intent = { action: 'service.restart', machineId: 'local', params: { service: 'remlite-none' } };
    const planned = core.intents.plan(intent);
    assert.ok('refused' in planned && /read-only/.test(planned.refused));

    // A plan built without the read-only flag (as a bypass would) is still refused by the runner.
    const bypass = planAction(intent, core.store.getState().hosts['local'], false);
    assert.ok('plan' in bypass);
    await core.intents.run({ ...bypass.plan, command: `touch ${canary}` });
    assert.equal(existsSync(canary), false, 'nothing ran');
    const { entries } = new AuditLog(auditPath).readAll();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.phase, 'refused');
    assert.match(entries[0]!.error ?? '', /read-only/);

    await core.intents.trustHostKey('local', { type: 'ssh-ed25519', base64: 'AAAA', fingerprint: 'SHA256:x' });
    assert.match(core.store.getState().notice?.text ?? '', /read-only/);
    assert.equal(readFileSync(auditPath, 'utf8').trim().split('\n').length, 1);

    // Nor a baseline, nor a repair across a pool.
    await core.intents.acceptBaseline({ machineId: 'local' });
    assert.match(core.store.getState().notice?.text ?? '', /read-only mode: accepting baselines is disabled/);
    await core.intents.acceptBaseline({ pool: core.store.getState().hosts['local']!.machine.pool });
    assert.equal(core.store.getState().baselineInfo['local'], undefined);
    assert.equal(existsSync(join(dir, 'baselines')), false, 'no baseline written');
    await core.intents.repairPool({ machineId: 'local', action: 'service.restart', params: { service: 'remlite-none' } });
    assert.match(core.store.getState().notice?.text ?? '', /read-only mode: actions are disabled/);
    assert.equal(core.store.getState().rollout, undefined, 'no pool repair started');
    assert.equal(core.store.getState().actions.length, 0);
    assert.equal(existsSync(canary), false);
  } finally {
    await core.close();
  }
});
