// A host whose sshd is frozen (SIGSTOP: connections accepted by the kernel, never answered):
// its probe times out, the host shows stale numbers, connections do not pile up, the other hosts
// keep updating, and once sshd runs again the host recovers by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { labConsole } from '../support/lab-console.js';
import { waitFor } from '../support/wait-for.js';
import type { RemliteConsole } from '../../src/app/console.js';
import { appliedPollAfter } from '../../src/store/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const FROZEN = 'lab-web2';
const OTHER = 'lab-web1';
let core: RemliteConsole;

before(async () => {
  if (skip) return;
  core = await labConsole(info as LabInfo, [FROZEN, OTHER]);
  core.poller.start();
  await waitFor('both hosts probed', () => [FROZEN, OTHER].every((id) => core.store.getState().hosts[id]?.last?.reach === 'ok'));
});

after(async () => {
  if (!skip) await labExec(FROZEN, 'pkill -CONT -x sshd; true');
  await core?.close();
});

test('SIGSTOP on sshd: timeout, stale, no pile-up, others keep updating; SIGCONT: recovers by itself', { skip }, async () => {
  assert.equal((await labExec(FROZEN, 'pkill -STOP -x sshd')).code, 0);
  // From here on nothing can answer (a poll begun before the freeze may still have).
  const frozenAt = Date.now();
  const polls: string[] = [];
  let t = Date.now();
  // Three timed-out polls of the frozen host, while the other host keeps being probed.
  for (let i = 0; i < 3; i++) {
    const p = await appliedPollAfter(core.store, FROZEN, t);
    polls.push(p.reach);
    t = p.at + 1;
    assert.ok(core.pool.stats().connections <= 2, `no pile-up: ${JSON.stringify(core.pool.stats())}`);
  }
  assert.ok(polls.every((r) => r === 'timeout' || r === 'unreachable'), polls.join(','));
  await waitFor('the other host answering a poll begun after the freeze', () => {
    const last = core.store.getState().hosts[OTHER]!.last!;
    return last.at > frozenAt && last.reach !== 'timeout';
  });
  const frozen = core.store.getState().hosts[FROZEN]!;
  assert.ok(frozen.probe && frozen.probeAt! < frozenAt, 'the last good numbers are kept (shown stale)');
  assert.ok(frozen.findings.some((f) => f.class === 'unreachable' && f.severity === 'critical'));

  assert.equal((await labExec(FROZEN, 'pkill -CONT -x sshd')).code, 0);
  await waitFor('the host to recover by itself', () => core.store.getState().hosts[FROZEN]?.last?.reach === 'ok', 90_000);
});
