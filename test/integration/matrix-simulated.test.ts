// Failure matrix rows that cannot be injected for real in the lab, each proven on a REAL probe of
// lab-web2 (taken by the console over SSH, or by the probe script run in the host) whose one
// relevant number is replaced before it goes through the real detectors. Why simulated:
// - clock-skew: the lab hosts share this machine's kernel clock, and the real clock must not move;
// - high-load / memory-pressure: load average and memory are this machine's, shared by every host
//   and every other test; loading it for minutes would be flaky and disturb them;
// - probe-unreadable: making a host's shell print garbage means sabotaging root's login on a shared
//   lab host; a truncated real probe output goes through the parser and the detector instead;
// - fs-errors: a real ext4 error is possible (/sys/fs/ext4/<dev>/trigger_fs_error on a loop
//   filesystem), but /sys/fs/ext4 is kernel-wide: every lab host, and every other console polling
//   them, would report it; the real probe's fsErrors is filled in instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, detectAll } from '../../src/matrix/index.js';
import type { Finding, HostProbe, PollResult } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { labExec } from '../support/lab.js';
import { planAction } from '../../src/actions/planner.js';
import { assertCleared, DATA_FILE, findingOf, matrixSkip, ownFindings, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';
import { answered } from '../support/lab-console.js';

const skip = matrixSkip();
let h: MatrixHarness;
/** A real poll of lab-web2 by the console, clean. */
let real: PollResult;

before(async () => {
  if (skip) return;
  h = await startMatrixHarness();
  const seen = await h.firstPollAfter(WEB, Date.now());
  assert.ok(answered(seen.poll.reach), `reach ${seen.poll.reach}`);
  assert.deepEqual(ownFindings(seen.findings), []);
  real = seen.poll;
});

after(async () => {
  if (!skip && h) await h.close();
});

/** The real detectors, as the console runs them, over a poll and the polls before it. */
function detect(poll: PollResult, history: PollResult[] = []): Finding[] {
  return detectAll({
    machine: h.machine(WEB),
    poll,
    now: poll.at + (poll.latencyMs ?? 0),
    thresholds: DEFAULT_THRESHOLDS,
    baseline: h.core.baselines.load(WEB).baseline,
    history,
  });
}

function withProbe(change: Partial<HostProbe>, at: number): PollResult {
  return { ...real, at, probe: { ...real.probe!, ...change } };
}

function only(findings: Finding[], cls: Finding['class']): Finding[] {
  return findings.filter((f) => f.class === cls);
}

test('clock-skew (SIMULATED: the lab shares the real kernel clock, which must not change): the real probe with poll.at shifted 90 s / 10 s is critical / warning, unshifted none', { skip }, () => {
  assert.deepEqual(only(detect(real), 'clock-skew'), [], 'the real poll has no skew');
  const ahead = only(detect({ ...real, at: real.at - 90_000 }), 'clock-skew');
  assert.equal(ahead.length, 1);
  assert.equal(ahead[0]!.severity, 'critical');
  // The real poll's own skew (its latency on a loaded machine, date's whole seconds) comes on top of the shift.
  const ownSkewMs = real.probe!.remoteTimeMs + 500 - (real.at + (real.latencyMs ?? 0) / 2);
  assert.equal(ahead[0]!.summary, `clock is ${Math.round((90_000 + ownSkewMs) / 1000)} s ahead`);
  const behind = only(detect({ ...real, at: real.at + 10_000 }), 'clock-skew');
  assert.equal(behind[0]?.severity, 'warning');
  assert.match(behind[0]!.summary, /behind$/);
  assert.deepEqual(behind[0]!.repairs, [], 'fix NTP: no automatic repair');
});

test('high-load, sustained (SIMULATED: load average is the shared machine\'s): three real polls with load5 replaced by 4.5×CPUs are critical, 2.5×CPUs warning; one normal poll in the window, none', { skip }, () => {
  const cpus = Math.max(1, real.probe!.cpus);
  const polls = (loads: number[]) => loads.map((l, i) => withProbe({ load5: l * cpus, load1: l * cpus }, real.at + i * 1000));
  const run = (loads: number[]) => {
    const ps = polls(loads);
    return only(detect(ps[ps.length - 1]!, ps.slice(0, -1)), 'high-load');
  };
  assert.equal(run([4.5, 4.5, 4.5])[0]?.severity, 'critical');
  assert.equal(run([2.5, 4.5, 4.5])[0]?.severity, 'warning', 'the mildest poll of the window decides');
  assert.deepEqual(run([4.5, 0.1, 4.5]), [], 'a normal poll breaks the streak');
  assert.deepEqual(run([4.5]), [], 'one high poll is not sustained');
  assert.deepEqual(run([4.5, 4.5, 4.5])[0]?.repairs, []);
});

test('memory-pressure, sustained (SIMULATED: memory is the shared machine\'s): three real polls with MemAvailable replaced by 3% of MemTotal are critical, 8% warning; a recovered poll, none', { skip }, () => {
  const total = real.probe!.memTotalBytes;
  assert.ok(total > 0);
  const run = (pcts: number[]) => {
    const ps = pcts.map((p, i) => withProbe({ memAvailableBytes: Math.floor((total * p) / 100) }, real.at + i * 1000));
    return only(detect(ps[ps.length - 1]!, ps.slice(0, -1)), 'memory-pressure');
  };
  assert.equal(run([3, 3, 3])[0]?.severity, 'critical');
  assert.equal(run([8, 3, 8])[0]?.severity, 'warning');
  assert.deepEqual(run([3, 3, 50]), []);
});

test('probe-unreadable (SIMULATED at the parser: a garbage-printing login shell would sabotage a shared host): the real probe output of lab-web2 cut in half is unreadable, a warning', { skip }, async () => {
  const m = h.machine(WEB);
  const r = await labExec(WEB, buildProbeScript(m.services, m.checks));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parseProbeOutput(r.stdout).ok, true, 'the whole output parses');
  const cut = r.stdout.slice(0, Math.floor(r.stdout.length / 2));
  const parsed = parseProbeOutput(cut);
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  // The PollResult the poller makes of an unparseable answer (src/poller/probe-host.ts).
  const poll: PollResult = { machineId: WEB, at: Date.now(), reach: 'unreadable', latencyMs: 5, error: parsed.error, raw: parsed.raw };
  const found = detect(poll);
  assert.deepEqual(found.map((f) => f.class), ['probe-unreadable'], 'nothing else is concluded from a truncated probe');
  assert.equal(found[0]!.severity, 'warning');
  assert.ok(found[0]!.evidence.some((l) => /truncated|incomplete/.test(l)), found[0]!.evidence.join('\n'));
});

test('fs-errors (SIMULATED: /sys/fs/ext4 is kernel-wide, a real error would show on every lab host): the real probe with errors_count 3 on the device of /srv/data (made an ext4) is critical, no repair, and a read-only mount then gets no remount', { skip }, () => {
  const device = 'vdz';
  const data = real.probe!.volumes.find((v) => v.mount === '/srv/data')!;
  const poll = withProbe(
    {
      fsErrors: [{ device, count: 3 }],
      volumes: [...real.probe!.volumes.filter((v) => v !== data), { ...data, device: `/dev/${device}`, fstype: 'ext4', readOnly: true }],
    },
    real.at,
  );
  const found = detect(poll);
  const errors = only(found, 'fs-errors');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.severity, 'critical');
  assert.equal(errors[0]!.summary, `filesystem errors on ${device} (/srv/data): 3`);
  assert.deepEqual(errors[0]!.repairs, [], 'fsck runs offline: no automatic repair');
  const ro = only(found, 'fs-read-only');
  assert.equal(ro[0]?.subject, '/srv/data');
  assert.deepEqual(ro[0]?.repairs, [], 'no remount over a filesystem with errors');
  assert.deepEqual(only(detect(real), 'fs-errors'), [], 'the real probe reports none');
});

test('fs-errors gate writes (SIMULATED errors_count, real probe): random bytes really written over the data file on /srv/data are critical, but with errors on its volume no data.restore is offered and the planner refuses it', { skip }, async () => {
  const t = await h.inject(WEB, `dd if=/dev/urandom of=${DATA_FILE} bs=1024 count=1 conv=notrunc status=none`);
  const seen = await h.firstPollAfter(WEB, t);
  const drifted = findingOf(seen, 'data-corrupt', DATA_FILE);
  assert.deepEqual(drifted.repairs.map((r) => r.action), ['data.restore'], 'a healthy volume: the restore is offered');
  const device = 'vdz';
  const data = seen.poll.probe!.volumes.find((v) => v.mount === '/srv/data')!;
  const broken: PollResult = { ...seen.poll, probe: { ...seen.poll.probe!, fsErrors: [{ device, count: 3 }], volumes: [...seen.poll.probe!.volumes.filter((v) => v !== data), { ...data, device: `/dev/${device}` }] } };
  const f = only(detect(broken), 'data-corrupt').find((x) => x.subject === DATA_FILE)!;
  assert.equal(f.severity, 'critical');
  assert.deepEqual(f.repairs, [], 'no write onto a filesystem with errors');
  assert.ok(f.evidence.includes(`filesystem errors on ${device} (/srv/data): 3; check the volume first (fsck / remount)`), f.evidence.join(' | '));
  const planned = planAction({ action: 'data.restore', machineId: WEB, params: { path: DATA_FILE } }, { ...h.core.store.getState().hosts[WEB]!, probe: broken.probe }, false, {
    baseline: h.core.baselines.load(WEB).baseline,
    hasCopy: () => true,
  });
  assert.match('refused' in planned ? planned.refused : '', /filesystem errors on vdz \(\/srv\/data\): 3; check the volume first/);
  const fixed = await h.repairWith(drifted);
  assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'data-corrupt');
});
