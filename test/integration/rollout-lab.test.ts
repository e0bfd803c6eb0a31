// Pool repair with a canary on real hosts: apache2 stopped on both web hosts is restarted on the
// canary first, its health checked by a fresh probe, then on the other; a failing canary stops the
// rollout before the rest of the pool is touched. Every step audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { AuditLog } from '../../src/persist/audit-log.js';
import React from 'react';
import { render } from 'ink-testing-library';
import { RolloutPanel } from '../../views/RolloutPanel.js';
import { ViewContext } from '../../views/context.js';
import { NO_COLOR_THEME } from '../../views/theme.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
let core: RemliteConsole;
let auditPath: string;
const WEB = ['lab-web1', 'lab-web2'];

before(async () => {
  if (skip) return;
  const lab = info as LabInfo;
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  auditPath = join(mkdtempSync(join(tmpdir(), 'remlite-rollout-')), 'audit.log');
  core = createConsole({
    machines: fleet.machines.filter((m) => m.pool === 'web'),
    auditPath,
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 8,
    logScrollback: 100,
    healthTimeoutMs: 30_000,
  });
  core.poller.start();
  await waitFor('both web hosts probed', () => WEB.every((id) => core.store.getState().hosts[id]?.last?.reach === 'ok'));
});

after(async () => {
  if (core) await core.close();
  if (!skip) for (const h of WEB) await labExec(h, 'systemctl start apache2');
});

const downOn = (id: string) => core.store.getState().hosts[id]!.findings.some((f) => f.class === 'service-down' && f.subject === 'apache2');

test('canary then the rest: both hosts healthy again, steps and audit in order', { skip }, async () => {
  for (const h of WEB) assert.equal((await labExec(h, 'systemctl stop apache2')).code, 0);
  await waitFor('both hosts red', () => WEB.every(downOn));

  await core.intents.repairPool({ machineId: 'lab-web2', action: 'service.restart', params: { service: 'apache2' }, clears: { class: 'service-down', subject: 'apache2' } });
  const r = core.store.getState().rollout!;
  assert.equal(r.state, 'done', r.reason);
  assert.deepEqual(r.steps.map((s) => [s.machineId, s.state]), [['lab-web2', 'ok'], ['lab-web1', 'ok']]);
  for (const h of WEB) assert.equal((await labExec(h, 'systemctl is-active apache2')).stdout.trim(), 'active');

  const { entries } = new AuditLog(auditPath).readAll();
  const restarts = entries.filter((e) => e.action === 'service.restart' && e.phase === 'finished');
  assert.deepEqual(restarts.map((e) => e.host), ['lab-web2', 'lab-web1'], 'canary first');
  assert.deepEqual(entries.filter((e) => e.action === 'rollout').map((e) => e.phase), ['started', 'finished']);
});

test('a failing canary stops the rollout and the rest of the pool is left untouched', { skip }, async () => {
  for (const h of WEB) assert.equal((await labExec(h, 'systemctl stop apache2')).code, 0);
  await waitFor('both hosts red', () => WEB.every(downOn));
  // Break the canary's config so its restart fails for real.
  await labExec('lab-web1', 'cp /etc/apache2/apache2.conf /root/apache2.conf.keep && echo "BrokenDirective on" >> /etc/apache2/apache2.conf');
  try {
    await core.intents.repairPool({ machineId: 'lab-web1', action: 'service.restart', params: { service: 'apache2' }, clears: { class: 'service-down', subject: 'apache2' } });
    const r = core.store.getState().rollout!;
    assert.equal(r.state, 'stopped');
    assert.deepEqual(r.steps.map((s) => [s.machineId, s.state]), [['lab-web1', 'failed'], ['lab-web2', 'skipped']]);
    assert.match(r.reason ?? '', /lab-web1: exit [1-9]/);
    assert.equal((await labExec('lab-web2', 'systemctl is-active apache2')).stdout.trim(), 'inactive', 'untouched');
  } finally {
    await labExec('lab-web1', 'cp /root/apache2.conf.keep /etc/apache2/apache2.conf');
  }
});

test('the second host fails: the rollout panel shows its exit code and the output of its command, not only "exit 1"', { skip }, async () => {
  for (const h of WEB) assert.equal((await labExec(h, 'systemctl stop apache2')).code, 0);
  await waitFor('both hosts red', () => WEB.every(downOn));
  // The canary (lab-web2) restarts fine; the second host's config is broken, so its restart fails for real.
  await labExec('lab-web1', 'cp /etc/apache2/apache2.conf /root/apache2.conf.keep2 && echo "BrokenSecondHost on" >> /etc/apache2/apache2.conf');
  try {
    await core.intents.repairPool({ machineId: 'lab-web2', action: 'service.restart', params: { service: 'apache2' }, clears: { class: 'service-down', subject: 'apache2' } });
    const r = core.store.getState().rollout!;
    assert.equal(r.state, 'stopped');
    assert.deepEqual(r.steps.map((s) => [s.machineId, s.state]), [['lab-web2', 'ok'], ['lab-web1', 'failed']], r.reason);
    const failed = r.steps[1]!;
    assert.equal(failed.detail, 'exit 1');
    assert.match(failed.output ?? '', /Job for apache2\.service failed/);

    const ui = render(
      React.createElement(
        ViewContext.Provider,
        { value: { store: core.store, intents: core.intents, theme: NO_COLOR_THEME } },
        React.createElement(RolloutPanel, { width: 80, height: 20 }),
      ),
    );
    try {
      const frame = ui.lastFrame() ?? '';
      assert.match(frame, /✗\s+lab-web1\s+failed\s+exit 1/);
      // Rows are wrapped at 80 columns: systemctl's message is read whole once the rows are joined.
      const joined = frame
        .split('\n')
        .map((l) => l.replace(/^\s*\|?\s?/, '').trimEnd())
        .join(' ');
      assert.ok(joined.includes('Job for apache2.service failed because the control process exited with error code.'), frame);
      for (const line of frame.split('\n')) assert.ok(Array.from(line).length <= 80, `row wider than the screen: ${line}`);
    } finally {
      ui.unmount();
    }
  } finally {
    await labExec('lab-web1', 'cp /root/apache2.conf.keep2 /etc/apache2/apache2.conf');
  }
});
