import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { commandContext, parseCommand } from '../../src/commands/index.js';
import { followCommand, sourceFromId } from '../../src/logs/log-command.js';
import { pickSource } from '../../src/cli/run-logs.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

afterEach(() => cleanup());

const HOSTILE = "/srv/app/it's $(touch x) `id`.log";
const onWeb2 = () => commandContext(fleetStore().getState(), { machineId: 'web2' });

test(':logs PATH takes any absolute path, as `remlite logs HOST PATH` does, and quotes it on the host', () => {
  const r = parseCommand(`:logs ${HOSTILE}`, onWeb2());
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.deepEqual(r.command, { name: 'logs', sourceId: `file:${HOSTILE}` });
  // The same source the CLI picks for the same argument.
  assert.deepEqual(sourceFromId(`file:${HOSTILE}`), pickSource([], HOSTILE));
  assert.equal(followCommand(sourceFromId(`file:${HOSTILE}`)!, 5), `tail -n 5 -F -- '/srv/app/it'\\''s $(touch x) \`id\`.log'`);
});

test(':logs refuses a path with control characters; a relative name that is no source still lists the sources', () => {
  const bad = parseCommand(':logs /var/log/a\u001b[2Jb', onWeb2());
  assert.ok(!bad.ok);
  assert.match(bad.message, /control character/);
  assert.doesNotMatch(bad.message, /\u001b/);
  const rel = parseCommand(':logs var/log/syslog', onWeb2());
  assert.ok(!rel.ok);
  assert.match(rel.message, /sources: unit:nginx, file:\/var\/log\/syslog/);
  assert.throws(() => followCommand({ id: 'x', kind: 'file', target: '/var/log/a\nb' }, 1), /line break/);
});

test('typed in the host view, :logs PATH opens that file on the Logs tab', async () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await typeKeys(r, ...':host web2\r');
  await typeKeys(r, ...':logs /opt/app/current.log\r');
  assert.deepEqual(intents.called('openLog')[0]?.args, ['web2', 'file:/opt/app/current.log']);
  assert.match(r.lastFrame() ?? '', /Logs/);
});
