// Refusals and failures are said in full: at 80 columns a long reason wraps over several rows and
// is never cut at the screen edge; a repair the planner would refuse is shown unavailable, with why.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { RolloutPanel } from '../../views/RolloutPanel.js';
import { ViewContext } from '../../views/context.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { wrap } from '../../views/text.js';
import type { ActionPlan } from '../../src/model/index.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));
afterEach(() => cleanup());

const LONG_REFUSAL =
  'service.start on web2: php-fpm is masked on this host, so nobody can start it; find out why it was masked, then systemctl unmask it before starting it again';

/** The frame's rows, trimmed and joined with one space: a wrapped sentence reads whole again. */
const joined = (frame: string) =>
  frame
    .split('\n')
    .map((l) => l.trim())
    .join(' ');

function assertFits(frame: string, columns = 80) {
  for (const line of frame.split('\n')) assert.ok(Array.from(line).length <= columns, `wider than ${columns} columns: "${line}"`);
}

async function app80(intents?: (store: ReturnType<typeof fleetStore>) => RecordingIntents) {
  const store = fleetStore();
  const i = intents?.(store) ?? new RecordingIntents(store);
  const r = render(<App store={store} intents={i} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  Object.defineProperty(r.stdout, 'columns', { value: 80, configurable: true });
  r.stdout.emit('resize');
  await tick();
  return { r, store, intents: i, frame: () => r.lastFrame() ?? '', press: (...k: string[]) => typeKeys(r, ...k) };
}

test('wrap keeps every word, breaks at spaces, splits only a word wider than the row', () => {
  const rows = wrap(LONG_REFUSAL, 30);
  assert.ok(rows.length > 3);
  for (const r of rows) assert.ok(r.length <= 30, r);
  assert.equal(rows.join(' '), LONG_REFUSAL);
  assert.deepEqual(wrap('abcdefghij xy', 4), ['abcd', 'efgh', 'ij', 'xy']);
  assert.deepEqual(wrap('a\nb', 10), ['a', 'b']);
});

test('Findings at 80 columns: a repair the planner refuses is shown unavailable with its whole reason; its key shows the reason, never a confirmation', async () => {
  const a = await app80((store) => {
    const i = new RecordingIntents(store);
    i.unavailableReasons['service.start'] = LONG_REFUSAL;
    return i;
  });
  await a.press('/', 'w', 'e', 'b', '2', '\r', '\r', '4');
  let f = a.frame();
  assert.match(f, /repairs: a restart php-fpm\s*$/m, 'only the repair that can run is offered with its key');
  assert.ok(joined(f).includes(`b start php-fpm: unavailable: ${LONG_REFUSAL}`), f);
  assertFits(f);

  await a.press('b');
  f = a.frame();
  assert.doesNotMatch(f, /Confirm:/);
  assert.ok(joined(f).includes(`refused: ${LONG_REFUSAL}`), f);
  assertFits(f);
  assert.ok(f.split('\n').length <= 24, 'the screen still fits 24 rows');

  await a.press('a');
  assert.match(a.frame(), /Confirm: restart php-fpm/, 'the available repair is offered as before');
});

test('Services at 80 columns: verbs the planner refuses for the selected service say why under the table', async () => {
  const a = await app80((store) => {
    const i = new RecordingIntents(store);
    for (const v of ['service.restart', 'service.start', 'service.stop']) i.unavailableReasons[v] = 'web2 is busy with another action; wait for it to finish';
    return i;
  });
  await a.press('/', 'w', 'e', 'b', '2', '\r', '\r');
  const f = a.frame();
  assert.match(f, /r\/s\/x unavailable: web2 is busy with another action; wait for it to finish/);
  assertFits(f);
});

test('status line at 80x24: a long refusal from the command bar wraps over rows, the screen keeps its height', async () => {
  const a = await app80();
  a.store.getState().notify(`refused: ${LONG_REFUSAL}`, 'error');
  await tick();
  const f = a.frame();
  assert.ok(joined(f).includes(`refused: ${LONG_REFUSAL}`), f);
  assertFits(f);
  assert.ok(f.split('\n').length <= 24, `${f.split('\n').length} rows`);
});

/** Intents whose run fails the way a real host does: an exit code, a transport error, output lines. */
class FailingIntents extends RecordingIntents {
  constructor(
    private readonly fleet: ReturnType<typeof fleetStore>,
    private readonly refusal?: string,
  ) {
    super(fleet);
  }
  override async run(plan: ActionPlan): Promise<{ refused: string } | void> {
    this.calls.push({ name: 'run', args: [plan] });
    if (this.refusal) return { refused: this.refusal };
    const s = this.fleet.getState();
    s.actionStarted({ id: 'f1', plan, state: 'running', startedAt: Date.now() });
    s.actionFinished('f1', {
      exitCode: 3,
      outputTail: [
        'checking preconditions',
        'remlite: precondition not met: /etc/php/8.2/fpm/php-fpm.conf parses (php-fpm8.2 -t): ERROR: unknown entry "pm.max_childs" in /etc/php/8.2/fpm/pool.d/www.conf on line 113',
      ].join('\n'),
      durationMs: 80,
    });
  }
}

test('confirmation at 80 columns: a failed run shows its exit code and its last output lines whole', async () => {
  const a = await app80((store) => new FailingIntents(store));
  await a.press('/', 'w', 'e', 'b', '2', '\r', '\r', 'r', 'y');
  const f = a.frame();
  assert.match(f, /failed \(exit 3/);
  assert.ok(
    joined(f).includes('remlite: precondition not met: /etc/php/8.2/fpm/php-fpm.conf parses (php-fpm8.2 -t): ERROR: unknown entry "pm.max_childs" in /etc/php/8.2/fpm/pool.d/www.conf on line 113'),
    f,
  );
  assertFits(f);
});

test('confirmation at 80 columns: a plan refused at the last moment says why, whole, instead of "starting…"', async () => {
  const a = await app80((store) => new FailingIntents(store, `web2 is busy with another action: ${LONG_REFUSAL}`));
  await a.press('/', 'w', 'e', 'b', '2', '\r', '\r', 'r', 'y');
  const f = a.frame();
  assert.doesNotMatch(f, /starting…/);
  assert.ok(joined(f).includes(`not run: web2 is busy with another action: ${LONG_REFUSAL}`), f);
  assertFits(f);
});

test('rollout panel at 80 columns: the failed host shows its exit code and last lines of output, wrapped whole', async () => {
  const store = fleetStore();
  const message = "AH00526: Syntax error on line 226 of /etc/apache2/apache2.conf: Invalid command 'BrokenDirective', perhaps misspelled or defined by a module not included";
  store.getState().setRollout({
    id: 'r1',
    title: 'service.restart apache2 on 3 hosts',
    state: 'running',
    steps: [
      { machineId: 'web2', state: 'ok', detail: 'healthy again' },
      { machineId: 'web1', state: 'failed', detail: 'exit 1', output: `Job for apache2.service failed.\n${message}` },
      { machineId: 'web3', state: 'skipped' },
    ],
  });
  store.getState().finishRollout('stopped', `web1: exit 1 (${message})`);
  const r = render(
    <ViewContext.Provider value={{ store, intents: new RecordingIntents(store), theme: NO_COLOR_THEME }}>
      <RolloutPanel width={80} height={20} />
    </ViewContext.Provider>,
  );
  const f = r.lastFrame() ?? '';
  assert.match(f, /✗\s+web1\s+failed\s+exit 1/);
  assert.match(f, /\|\s+Job for apache2\.service failed\./);
  const rows = joined(f.replace(/^\s*\|\s?/gm, ''));
  assert.ok(rows.includes(message), f);
  assert.ok(rows.includes(`stopped: web1: exit 1 (${message})`), f);
  assertFits(f);
});
