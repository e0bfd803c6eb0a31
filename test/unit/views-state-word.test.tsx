import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetRows, fleetSummary, hostVerdict, type HostRow } from '../../src/store/selectors.js';
import { fleetStore, NOW, RecordingIntents } from './views-fixtures.js';

afterEach(() => cleanup());

const hostsOf = (rows: ReturnType<typeof fleetRows>) => rows.filter((r): r is HostRow => r.kind === 'host');

test('the STATE word and the header counts come from one verdict: a critical host never reads "ok"', () => {
  const state = fleetStore().getState();
  const rows = hostsOf(fleetRows(state, { now: NOW }));
  const by = Object.fromEntries(rows.map((r) => [r.id, hostVerdict(r)]));
  // web2 answers its poll (reach ok) but holds a critical finding.
  assert.deepEqual(by.web2, { verdict: 'critical', word: 'critical' });
  assert.deepEqual(by.web1, { verdict: 'ok', word: 'ok' });
  assert.deepEqual(by.db1, { verdict: 'warning', word: 'slow' });
  assert.deepEqual(by.cache1, { verdict: 'critical', word: 'unreachable' });
  assert.deepEqual(by.new1, { verdict: 'pending', word: 'pending' });
  const sum = fleetSummary(state, NOW);
  for (const v of ['ok', 'warning', 'critical', 'pending', 'notProbed'] as const) {
    assert.equal(sum[v], rows.filter((r) => hostVerdict(r).verdict === v).length, v);
  }
  for (const r of rows) if (hostVerdict(r).verdict === 'critical') assert.notEqual(hostVerdict(r).word, 'ok', r.name);
});

test('a stale host with a critical finding reads "~critical"', () => {
  const rows = hostsOf(fleetRows(fleetStore().getState(), { now: NOW + 10 * 60_000 }));
  const web2 = rows.find((r) => r.id === 'web2');
  assert.ok(web2);
  assert.deepEqual(hostVerdict(web2), { verdict: 'critical', word: '~critical' });
});

test('the grid row and the host header show the same word the header counts', async () => {
  const store = fleetStore();
  const r = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await new Promise((res) => setTimeout(res, 30));
  const line = (r.lastFrame() ?? '').split('\n').find((l) => l.trim().startsWith('web2'));
  assert.ok(line);
  assert.match(line, /\bcritical\b/);
  assert.doesNotMatch(line, /\sok\s/);
});
