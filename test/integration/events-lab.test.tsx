// The events timeline through the real console against the lab: a unit stopped on a lab host is
// raised, repaired from the host's Findings tab, cleared; `remlite events --json` (the CLI, reading
// the events log in the state dir) gives raised → action started → action finished → cleared in
// that order, and the Events screen lists them newest first and filters them.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { labConsole } from '../support/lab-console.js';
import type { RemliteConsole } from '../../src/app/console.js';
import { EVENTS_FILE } from '../../src/persist/events-log.js';
import { App } from '../../views/App.js';
import { notifyOnCritical } from '../../views/terminal/critical-notify.js';
import { SEVERITY_RANK, type FleetEvent } from '../../src/model/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const WEB = 'lab-web1';
let lab: LabInfo;
let core: RemliteConsole;
let stateDir: string;

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  stateDir = join(mkdtempSync(join(tmpdir(), 'remlite-events-')), 'state');
  // Every lab host (the fleet-wide detectors see the whole stack), polled at an ordinary pace.
  core = await labConsole(
    lab,
    lab.hosts.map((h) => h.name),
    { auditPath: join(stateDir, 'audit.log'), events: { file: join(stateDir, EVENTS_FILE) }, pollIntervalMs: 1500, probeTimeoutMs: 15_000, slowThresholdMs: 5000 },
  );
  core.poller.start();
  await waitFor('every lab host to answer a probe', () => lab.hosts.every((h) => core.store.getState().hosts[h.name]?.last?.reach === 'ok'));
});

after(async () => {
  if (core) await core.close();
  if (!skip) await labExec(WEB, 'systemctl start apache2');
});

const apacheDown = (e: FleetEvent) => e.host === WEB && e.class === 'service-down' && e.subject === 'apache2';

function cliEvents(...args: string[]): FleetEvent[] {
  const r = spawnSync(process.execPath, [MAIN, 'events', '--json', ...args], { encoding: 'utf8', env: { ...process.env, REMLITE_STATE_DIR: stateDir }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FleetEvent);
}

test('a fault and its repair: raised, action started, finished, cleared, in the log, the CLI and the Events screen', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  // The terminal layer's notifier on the same store, as `--notify osc9` installs it.
  const written: string[] = [];
  const stopNotify = notifyOnCritical(core.store, 'osc9', (bytes) => written.push(bytes));
  const pagesForWeb = () => written.filter((b) => b.includes(WEB));
  try {
    await waitFor('the grid', () => ui.lastFrame()?.includes(WEB));
    const stop = await labExec(WEB, 'systemctl stop apache2');
    assert.equal(stop.code, 0, stop.stderr);
    // Caught mid-stop (deactivating) the finding may first be raised as a warning; its critical raise is the one that pages.
    const raised = await waitFor('apache2 raised as a critical event', () =>
      core.store.getState().events.find((e) => e.kind === 'finding-raised' && apacheDown(e) && e.severity === 'critical'),
    );
    assert.equal(raised.hostTurnedCritical, true, 'the host had no critical finding before');
    await waitFor('the desktop notification', () => pagesForWeb().length > 0);
    assert.deepEqual(pagesForWeb(), [`\u001b]9;remlite: ${WEB} is critical: service-down\u0007`]);

    // Repair it from the host's Findings tab: the service-down finding's first repair, confirmed.
    ui.stdin.write(`/${WEB}\r\r`);
    await waitFor(`the host view of ${WEB}`, () => new RegExp(`^fleet › ${WEB} › ${WEB} › Services$`, 'm').test(ui.lastFrame() ?? ''));
    ui.stdin.write('4');
    await waitFor('the Findings tab listing apache2', () => /apache2/.test(ui.lastFrame() ?? '') && /› Findings$/m.test(ui.lastFrame() ?? ''));
    const findings = [...core.store.getState().hosts[WEB]!.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    const index = findings.findIndex((f) => f.class === 'service-down' && f.subject === 'apache2');
    assert.ok(index >= 0);
    ui.stdin.write('j'.repeat(index) + '\r');
    await waitFor('the confirmation with the exact command', () => /systemctl \w+ -- apache2\.service/.test(ui.lastFrame() ?? ''));
    ui.stdin.write('y');
    const run = await waitFor('the repair to finish', () => {
      const a = core.store.getState().actions[0];
      return a && a.state !== 'running' ? a : undefined;
    });
    assert.equal(run.state, 'succeeded', run.result?.outputTail);
    const pollsWhileDown = core.store.getState().hosts[WEB]!.last!.at;
    await waitFor('apache2 cleared as an event', () => core.store.getState().events.find((e) => e.kind === 'finding-cleared' && apacheDown(e)));
    assert.ok(core.store.getState().hosts[WEB]!.last!.at > pollsWhileDown && pagesForWeb().length === 1, 'one notification for the transition, not one per poll');

    // The CLI reads the log the console wrote (appends are queued: wait until the cleared one is on disk).
    const logged = await waitFor('the cleared event in the events log', () => {
      const all = cliEvents();
      return all.some((e) => e.kind === 'finding-cleared' && apacheDown(e)) ? all : undefined;
    });
    const at = (pred: (e: FleetEvent) => boolean, what: string) => {
      const i = logged.findIndex(pred);
      assert.ok(i >= 0, `${what} is in remlite events --json`);
      return i;
    };
    const iRaised = at((e) => e.kind === 'finding-raised' && apacheDown(e), 'raised');
    const iStarted = at((e) => e.kind === 'action-started' && e.actionId === run.id, 'action started');
    const iFinished = at((e) => e.kind === 'action-finished' && e.actionId === run.id, 'action finished');
    const iCleared = at((e) => e.kind === 'finding-cleared' && apacheDown(e), 'cleared');
    assert.ok(iRaised < iStarted && iStarted < iFinished && iFinished < iCleared, `order ${iRaised} ${iStarted} ${iFinished} ${iCleared}`);
    const started = logged[iStarted]!;
    const finished = logged[iFinished]!;
    assert.equal(started.host, WEB);
    assert.match(started.action ?? '', /^service\.(re)?start$/);
    assert.match(started.operator ?? '', /.@./);
    assert.equal(finished.exitCode, 0);
    for (const e of [logged[iRaised]!, started, finished, logged[iCleared]!]) assert.ok(Date.parse(e.at) > 0);
    // --since: a time before the fault keeps them all, one after the repair leaves none of them.
    assert.ok(cliEvents('--since', '1h').some((e) => e.actionId === run.id));
    const later = new Date(Date.parse(logged[iCleared]!.at) + 1000).toISOString();
    assert.ok(!cliEvents('--since', later).some((e) => e.actionId === run.id || apacheDown(e)));

    // The Events screen: newest first, then filtered to the actions.
    await waitFor('the confirmation showing the result', () => /any key closes$/m.test(ui.lastFrame() ?? ''));
    ui.stdin.write(' ');
    await waitFor('the Findings tab again', () => /› Findings$/m.test(ui.lastFrame() ?? ''));
    ui.stdin.write('q');
    await waitFor('back on the grid', () => new RegExp(`^fleet › ${WEB}$`, 'm').test(ui.lastFrame() ?? ''));
    ui.stdin.write(':events\r');
    const frame = await waitFor('the Events screen with the repair', () => {
      const f = ui.lastFrame() ?? '';
      return /^fleet › events$/m.test(f) && f.includes('action-finished') ? f : undefined;
    });
    const rows = frame.split('\n');
    const row = (re: RegExp) => rows.findIndex((l) => re.test(l));
    const rCleared = row(new RegExp(`finding-cleared.*${WEB}.*apache2`));
    const rFinished = row(new RegExp(`action-finished\\s+exit 0\\s+${WEB}`));
    const rStarted = row(new RegExp(`action-started\\s+${WEB}`));
    const rRaised = row(new RegExp(`finding-raised\\s+critical\\s+${WEB}.*apache2`));
    assert.ok(rCleared >= 0 && rFinished >= 0 && rStarted >= 0, frame);
    assert.ok(rCleared < rFinished && rFinished < rStarted, `newest first:\n${frame}`);
    // The raised event may have scrolled below the window; when shown, it is below the action.
    if (rRaised >= 0) assert.ok(rStarted < rRaised, frame);
    ui.stdin.write('/kind:action\r');
    const filtered = await waitFor('the filtered list', () => {
      const f = ui.lastFrame() ?? '';
      return /events \(\/kind:action\)/.test(f) ? f : undefined;
    });
    assert.ok(filtered.includes('action-finished') && filtered.includes('action-started'), filtered);
    assert.ok(!/finding-(raised|cleared)/.test(filtered), filtered);
  } finally {
    stopNotify();
    ui.unmount();
  }
});
