// The whole console core against real systemd lab hosts: probe, grid, a service stopped on the
// host turning red within one poll, restarted from the UI, audited, and a log line streamed live.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { ownProblems } from '../support/matrix-harness.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { AuditLog } from '../../src/persist/audit-log.js';
import { App } from '../../views/App.js';
import { paneServices } from '../../views/ServicesPane.js';
import { appliedPollAfter } from '../../src/store/wait-for-poll.js';
import type { ServiceStatus } from '../../src/model/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
let lab: LabInfo;
let core: RemliteConsole;
let auditPath: string;

const WEB = 'lab-web1';

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  auditPath = join(mkdtempSync(join(tmpdir(), 'remlite-audit-')), 'audit.log');
  core = createConsole({
    machines: fleet.machines,
    auditPath,
    pollIntervalMs: 1500,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 16,
    logScrollback: 1000,
  });
  core.poller.start();
  await waitFor('every lab host to answer a probe', () =>
    lab.hosts.every((h) => core.store.getState().hosts[h.name]?.last?.reach === 'ok'),
  );
});

after(async () => {
  if (core) await core.close();
  if (!skip) await labExec(WEB, 'systemctl start apache2');
});

/** Filters the grid to one host and opens it, typed ahead in one go as an operator does: `/NAME Enter Enter`. */
async function openHost(ui: ReturnType<typeof render>, name: string): Promise<void> {
  ui.stdin.write(`/${name}\r\r`);
  await waitFor(`the host view of ${name}`, () => new RegExp(`^fleet › ${name} › ${name} › Services$`, 'm').test(ui.lastFrame() ?? ''));
}

test('every lab host is probed for real: hostname, services, root filesystem', { skip }, () => {
  for (const h of lab.hosts) {
    const state = core.store.getState().hosts[h.name]!;
    assert.equal(state.probe?.hostname, h.name);
    assert.ok(state.probe!.volumes.some((v) => v.mount === '/'), `${h.name} reports its root filesystem`);
    assert.ok(state.probe!.memTotalBytes > 0);
    const expected = state.machine.services;
    for (const svc of expected) {
      const s: ServiceStatus | undefined = state.probe!.services.find((x) => x.name === svc);
      assert.equal(s?.active, 'active', `${h.name}: ${svc} is active`);
    }
    assert.deepEqual(ownProblems(state.findings).map((f) => f.summary), [], `${h.name} has no warning or critical finding of its own`);
  }
});

test('the grid lists the lab fleet; a stopped unit turns the host red within one poll; the UI restarts it', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  try {
    await waitFor('the grid to list every lab host', () => lab.hosts.every((h) => ui.lastFrame()?.includes(h.name)));

    const stop = await labExec(WEB, 'systemctl stop apache2');
    assert.equal(stop.code, 0, stop.stderr);
    // The first poll that STARTED once the stop had finished (one started during the stop may still see it active).
    const stoppedAt = Date.now();
    const poll = await appliedPollAfter(core.store, WEB, stoppedAt);
    assert.equal(poll.probe?.services.find((s) => s.name === 'apache2')?.active, 'inactive');
    const host = core.store.getState().hosts[WEB]!;
    assert.equal(host.last, poll, 'the host state is the one of that poll');
    assert.equal(host.severity, 'critical');
    assert.ok(host.findings.some((f) => f.class === 'service-down' && f.subject === 'apache2'));
    await waitFor('the grid row to show the critical finding', () =>
      ui.lastFrame()?.split('\n').find((l) => l.includes(WEB) && /crit/i.test(l)),
    );

    // Drill in from the grid: filter to the host, open it, select apache2, restart, confirm.
    await openHost(ui, WEB);
    await waitFor('the services', () => ui.lastFrame()?.includes('apache2'));
    const index = paneServices(core.store.getState().hosts[WEB]!).findIndex((s) => s.name === 'apache2');
    ui.stdin.write('j'.repeat(index) + 'r');
    await waitFor('the confirmation with the exact command', () => ui.lastFrame()?.includes('systemctl restart -- apache2.service'));
    ui.stdin.write('y');
    const run = await waitFor('the restart to finish', () => {
      const a = core.store.getState().actions[0];
      return a && a.state !== 'running' ? a : undefined;
    });
    assert.equal(run.state, 'succeeded', run.result?.outputTail);
    assert.equal(run.result?.exitCode, 0);

    const restartedAt = Date.now();
    const verify = await appliedPollAfter(core.store, WEB, restartedAt);
    assert.equal(verify.probe?.services.find((s) => s.name === 'apache2')?.active, 'active');
    await waitFor('the host to be healthy again in the store', () => ownProblems(core.store.getState().hosts[WEB]!.findings).length === 0);

    const { entries, badLines } = new AuditLog(auditPath).readAll();
    assert.deepEqual(badLines, []);
    const mine = entries.filter((e) => e.id === run.id);
    assert.deepEqual(mine.map((e) => e.phase), ['started', 'finished']);
    assert.equal(mine[1]!.exitCode, 0);
    assert.equal(mine[1]!.command, 'systemctl restart -- apache2.service');
    assert.equal(mine[1]!.host, WEB);
  } finally {
    ui.unmount();
  }
});

test('a line written on the host streams into the Logs pane, control sequences stripped', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  try {
    await waitFor('the grid', () => ui.lastFrame()?.includes(WEB));
    await openHost(ui, WEB);
    ui.stdin.write('3');
    const sources = core.store.getState().hosts[WEB]!.machine.logs;
    const index = sources.findIndex((l) => l.id === 'file:/var/log/remlite-lab.log');
    assert.ok(index >= 0, 'the inventory declares the lab log file');
    await waitFor('the log source list', () => ui.lastFrame()?.includes('/var/log/remlite-lab.log'));
    ui.stdin.write('j'.repeat(index) + '\r');
    await waitFor('the stream to open', () => core.store.getState().log?.sourceId === 'file:/var/log/remlite-lab.log');
    // No wait for the follower to attach: it starts with the last 200 lines (`tail -n 200 -F`), so a line written before it attached is shown too.
    const marker = `remlite-marker-${process.pid}-${Date.now()}`;
    const w = await labExec(WEB, `printf '%s \\033]0;pwned\\007\\033[2J tail\\n' ${marker} >> /var/log/remlite-lab.log`);
    assert.equal(w.code, 0, w.stderr);
    const frame = await waitFor('the marker line in the Logs pane', () => {
      const f = ui.lastFrame();
      return f?.includes(marker) ? f : undefined;
    });
    const line = frame.split('\n').find((l) => l.includes(marker))!;
    assert.ok(!line.includes('\u001b') && !line.includes('pwned'), JSON.stringify(line));
    assert.ok(core.store.getState().log!.lines.some((l) => l.includes(marker) && l.includes('tail')));
  } finally {
    ui.unmount();
  }
});
