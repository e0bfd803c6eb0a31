// Trends through the real console against a lab host: after several polls the host view draws a
// sparkline per metric and the grid's TREND column (t) draws the load; a small tmpfs in the host,
// filled a MiB per poll, warns disk-full with its fill rate and a time to full before it is critical.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { labConsole } from '../support/lab-console.js';
import type { RemliteConsole } from '../../src/app/console.js';
import { appliedPollAfter } from '../../src/store/wait-for-poll.js';
import { SEVERITY_RANK } from '../../src/model/index.js';
import { App } from '../../views/App.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const WEB = 'lab-web1';
const FILL = '/srv/trend-fill';
const SPARK = /[▁▂▃▄▅▆▇█]/;
let lab: LabInfo;
let core: RemliteConsole;

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  core = await labConsole(lab, [WEB], { pollIntervalMs: 1500, probeTimeoutMs: 15_000, slowThresholdMs: 5000, trendMinutes: 10 });
  const made = await labExec(WEB, `mkdir -p ${FILL} && mount -t tmpfs -o size=24M tmpfs ${FILL}`);
  assert.equal(made.code, 0, made.stderr);
  core.poller.start();
});

after(async () => {
  if (core) await core.close();
  if (!skip) await labExec(WEB, `if mountpoint -q ${FILL}; then umount ${FILL}; fi; rmdir ${FILL} 2>/dev/null; true`);
});

test('after several polls the host view shows a sparkline per metric, and t adds the TREND column to the grid', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  try {
    await waitFor('the grid', () => ui.lastFrame()?.includes(WEB));
    ui.stdin.write('t');
    await waitFor('the TREND column header', () => ui.lastFrame()?.includes('TREND'));
    ui.stdin.write('\r');
    await waitFor('the host view', () => new RegExp(`^fleet › ${WEB}`, 'm').test(ui.lastFrame() ?? ''));
    for (let i = 0; i < 4; i++) await appliedPollAfter(core.store, WEB, Date.now());
    const line = await waitFor('the trend line with its sparklines', () => ui.lastFrame()?.split('\n').find((l) => l.startsWith('trend 10m  load ')));
    for (const label of ['load', 'mem', 'disk', 'lat']) assert.match(line, new RegExp(`${label} ${SPARK.source}{2,}`), `${label} in "${line}"`);
    // Samples are spaced trendMinutes/120 apart, so how many four polls leave depends on their pace; a sparkline needs two.
    assert.ok(core.store.getState().trends!.series(WEB, 'latency', Date.now()).values.length >= 2);
    ui.stdin.write('q');
    const row = await waitFor('the grid row with a load sparkline', () => ui.lastFrame()?.split('\n').find((l) => l.includes(WEB) && SPARK.test(l)));
    assert.ok(row.length <= 100, row);
  } finally {
    ui.unmount();
  }
});

test('a tmpfs filled a MiB per poll warns disk-full with its fill rate and time to full before it is critical', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  try {
    let step = 0;
    const started = Date.now();
    // One MiB after each poll, until the volume is past the warning and has 30 s of history.
    for (;;) {
      const w = await labExec(WEB, `head -c 1M /dev/zero > ${FILL}/f${step}`);
      assert.equal(w.code, 0, w.stderr);
      step++;
      const seen = await appliedPollAfter(core.store, WEB, Date.now());
      const f = core.store.getState().hosts[WEB]!.findings.find((x) => x.class === 'disk-full' && x.subject === FILL);
      if (f?.evidence.some((e) => e.startsWith('filling at'))) {
        assert.equal(f.severity, 'warning', 'the estimate arrives while it only warns');
        const vol = seen.probe!.volumes.find((v) => v.mount === FILL)!;
        const line = f.evidence.find((e) => e.startsWith('filling at'))!;
        const m = /^filling at ([\d.]+) KiB\/min|^filling at ([\d.]+) MiB\/min/.exec(line);
        assert.ok(m, line);
        assert.match(line, /full in about \d+[sm] at this rate$/);
        assert.ok(vol.availBytes > 0);
        break;
      }
      assert.ok(step < 23, `no fill rate after ${step} MiB in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(f?.evidence)}`);
    }
    await waitFor('the grid', () => ui.lastFrame()?.includes(WEB));
    ui.stdin.write('\r4');
    const sorted = [...core.store.getState().hosts[WEB]!.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    const index = sorted.findIndex((x) => x.class === 'disk-full' && x.subject === FILL);
    ui.stdin.write('j'.repeat(index));
    await waitFor('the Findings tab with the fill rate', () => /filling at .*full in about/.test(ui.lastFrame() ?? ''));
  } finally {
    ui.unmount();
  }
});
