// Pool logs through the real console against two lab hosts: `:plogs web FILE` follows the file on
// lab-web1 and lab-web2 at once; a marker line written on each appears behind its host's name,
// control sequences stripped; `/` finds the one searched for; Esc closes the log and the streams.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { labConsole } from '../support/lab-console.js';
import type { RemliteConsole } from '../../src/app/console.js';
import { POOL_LOG_ID } from '../../src/store/index.js';
import { App } from '../../views/App.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const WEB = ['lab-web1', 'lab-web2'];
const FILE = '/var/log/remlite-lab.log';
let lab: LabInfo;
let core: RemliteConsole;

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  core = await labConsole(lab, [...WEB, 'lab-db1'], { pollIntervalMs: 5000, probeTimeoutMs: 15_000, slowThresholdMs: 5000, logScrollback: 1000 });
  core.poller.start();
});

after(async () => {
  if (core) await core.close();
});

test(':plogs web FILE interleaves the file of both web hosts, each line behind its host; / finds one marker; Esc closes', { skip }, async () => {
  const ui = render(<App store={core.store} intents={core.intents} />);
  try {
    await waitFor('the grid', () => ui.lastFrame()?.includes('lab-web2'));
    ui.stdin.write(`:plogs web ${FILE}\r`);
    await waitFor('the pool log screen', () => ui.lastFrame()?.includes(`pool web · file:${FILE} · 2 hosts`));
    const log = core.store.getState().log!;
    assert.equal(log.machineId, POOL_LOG_ID);
    assert.deepEqual(log.hosts, WEB, 'the pool is lab-web1 and lab-web2, nothing else');

    // Short markers: the search shows on the status line beside the title.
    const markers = WEB.map((_, i) => `pl${i}-${process.pid}-${Date.now() % 100_000}`);
    for (const [i, h] of WEB.entries()) {
      // The follower starts with the last 200 lines (tail -n 200 -F): a line written before it attached is shown too.
      const w = await labExec(h, `printf '%s \\033]0;pwned\\007\\033[2J end\\n' ${markers[i]} >> ${FILE}`);
      assert.equal(w.code, 0, w.stderr);
    }
    const frame = await waitFor('both markers on screen', () => {
      const f = ui.lastFrame() ?? '';
      return markers.every((m) => f.includes(m)) ? f : undefined;
    });
    for (const [i, h] of WEB.entries()) {
      const line = frame.split('\n').find((l) => l.includes(markers[i]!))!;
      assert.match(line, new RegExp(`^${h} │ .*${markers[i]}`), `the marker of ${h} is behind its name`);
      assert.ok(!line.includes('\u001b') && !line.includes('pwned'), JSON.stringify(line));
    }
    const stored = core.store.getState().log!;
    for (const [i, m] of markers.entries()) {
      const at = stored.lines.findIndex((l) => l.includes(m));
      assert.equal(stored.hosts![stored.origins![at]!], WEB[i], `the line of ${m} is tagged with its host`);
    }

    ui.stdin.write(`/${markers[1]}\r`);
    const found = await waitFor('the search to pause on the match', () => {
      const rows = (ui.lastFrame() ?? '').split('\n');
      const status = rows.findIndex((l) => l.includes(`/${markers[1]}`) && l.includes('PAUSED'));
      return status >= 0 ? rows.slice(status + 1) : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${ui.lastFrame()}`);
    });
    assert.match(found[0] ?? '', new RegExp(`^lab-web2 │ ${markers[1]}`), 'the match is the first line shown');

    ui.stdin.write('\u001b');
    await waitFor('the search cleared', () => !ui.lastFrame()?.includes(`/${markers[1]}`));
    ui.stdin.write('\u001b');
    await waitFor('the log closed and the grid back', () => core.store.getState().log === undefined && /lab-db1/.test(ui.lastFrame() ?? ''));
  } finally {
    ui.unmount();
  }
});
