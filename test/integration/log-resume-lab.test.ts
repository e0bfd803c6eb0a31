// A log stream survives its connection being cut on the host (what a reboot or a network blip
// does): the pane shows it reconnecting, resumes by itself, says lines may be missing, and
// streams new lines again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web1';
const SOURCE = 'file:/var/log/remlite-lab.log';
let core: RemliteConsole;

before(async () => {
  if (skip) return;
  const fleet = await loadFleet({ inventoryPath: (info as LabInfo).inventoryPath, noSshConfig: true, includeLocal: false });
  core = createConsole({
    machines: fleet.machines.filter((m) => m.id === HOST),
    auditPath: join(mkdtempSync(join(tmpdir(), 'remlite-logresume-')), 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 4,
    logScrollback: 500,
  });
});

after(async () => {
  if (core) await core.close();
});

const lines = () => core.store.getState().log?.lines ?? [];

test('a cut connection: reconnecting, resumed, new lines stream again', { skip }, async () => {
  core.intents.openLog(HOST, SOURCE);
  await waitFor('the stream to open', () => core.store.getState().log?.status === 'streaming');
  const before = `before-cut-${process.pid}-${Date.now()}`;
  await labExec(HOST, `echo ${before} >> /var/log/remlite-lab.log`);
  await waitFor('the first line', () => lines().some((l) => l.includes(before)));

  // Kill every SSH session process on the host (our connection with them); sshd itself keeps listening.
  const cut = await labExec(HOST, `pkill -KILL -f '^sshd: root' ; true`);
  assert.equal(cut.code, 0, cut.stderr);
  const seen = await waitFor('the pane to notice the cut', () => {
    const s = core.store.getState().log!;
    return s.status === 'reconnecting' ? s : undefined;
  });
  assert.match(seen.error ?? '', /lab-web1: .*retrying in \d+s/);

  await waitFor('the stream to resume', () => core.store.getState().log?.status === 'streaming' && lines().some((l) => l.includes('stream resumed')));
  const after = `after-cut-${process.pid}-${Date.now()}`;
  await labExec(HOST, `echo ${after} >> /var/log/remlite-lab.log`);
  await waitFor('a new line after the resume', () => lines().some((l) => l.includes(after)));
  assert.equal(lines().filter((l) => l.includes(before)).length, 1, 'the backlog is not replayed as new lines');
  core.intents.closeLog();
});
