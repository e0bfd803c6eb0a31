// The events log (bounded, rotated, never through a link), `remlite events` (--since, table, JSON
// lines) and the notification escapes of a host turning critical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventsLog } from '../../src/persist/events-log.js';
import { StatePathRefused } from '../../src/persist/no-follow.js';
import { parseSince } from '../../src/cli/events-since.js';
import { runEvents } from '../../src/cli/run-events.js';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { notificationEscape, notifyOnCritical } from '../../views/terminal/critical-notify.js';
import { createFleetStore } from '../../src/store/index.js';
import type { FleetEvent } from '../../src/model/index.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-events-'));

const ev = (n: number, extra: Partial<FleetEvent> = {}): FleetEvent => ({
  at: new Date(Date.UTC(2026, 11, 2, 12, 0, n)).toISOString(),
  kind: 'finding-raised',
  host: 'web1',
  class: 'service-down',
  severity: 'critical',
  summary: `event ${n}`,
  ...extra,
});

test('appended batches come back oldest first; the file is 0600 in a private dir', async () => {
  const dir = path.join(tmp(), 'state');
  const log = new EventsLog(path.join(dir, 'events.log'));
  await log.append([ev(1), ev(2)]);
  await log.append([]);
  await log.append([ev(3)]);
  assert.deepEqual(log.readAll().events.map((e) => e.summary), ['event 1', 'event 2', 'event 3']);
  assert.equal(statSync(log.path).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test('bounded: over maxBytes the log rotates, `keep` rotated files are kept and the oldest events go', async () => {
  const dir = tmp();
  const log = new EventsLog(path.join(dir, 'events.log'), { maxBytes: 400, keep: 2 });
  for (let i = 0; i < 40; i++) await log.append([ev(i)]);
  assert.deepEqual(readdirSync(dir).sort(), ['events.log', 'events.log.1', 'events.log.2']);
  for (const f of readdirSync(dir)) assert.ok(statSync(path.join(dir, f)).size <= 400, f);
  const { events, badLines } = log.readAll();
  assert.deepEqual(badLines, []);
  assert.ok(events.length < 40 && events.length > 3, `${events.length} kept`);
  // What is kept is the newest, still in order.
  assert.deepEqual(events.map((e) => e.summary), Array.from({ length: events.length }, (_, i) => `event ${40 - events.length + i}`));
});

test('a link in place of the log is refused, never followed, on append and on read', async () => {
  const dir = tmp();
  const target = path.join(dir, 'elsewhere');
  writeFileSync(target, '');
  const file = path.join(dir, 'events.log');
  symlinkSync(target, file);
  const log = new EventsLog(file);
  await assert.rejects(log.append([ev(1)]), StatePathRefused);
  assert.equal(readFileSync(target, 'utf8'), '', 'nothing written through the link');
  assert.throws(() => log.readAll(), StatePathRefused);
  const out: string[] = [];
  const err: string[] = [];
  assert.equal(runEvents(dir, { json: false }, (t) => out.push(t), (t) => err.push(t)), 2);
  assert.match(err.join(''), /events\.log is a symbolic link/);
});

test('a last line cut short by a crash is reported and the next batch still lands whole', async () => {
  const file = path.join(tmp(), 'events.log');
  const log = new EventsLog(file);
  await log.append([ev(1)]);
  appendFileSync(file, JSON.stringify(ev(2)).slice(0, 30));
  await log.append([ev(3)]);
  const { events, badLines } = log.readAll();
  assert.deepEqual(events.map((e) => e.summary), ['event 1', 'event 3']);
  assert.deepEqual(badLines, [`${file}:2`]);
});

test('--since: relative times back from now and ISO dates/times; anything else says what is expected', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const at = (t: string) => {
    const r = parseSince(t, now);
    return 'at' in r ? r.at.toISOString() : r.error;
  };
  assert.equal(at('30m'), '2026-12-02T11:30:00.000Z');
  assert.equal(at('2h'), '2026-12-02T10:00:00.000Z');
  assert.equal(at('7d'), '2026-11-25T12:00:00.000Z');
  assert.equal(at('90s'), '2026-12-02T11:58:30.000Z');
  assert.equal(at('2026-12-02T11:15:00Z'), '2026-12-02T11:15:00.000Z');
  assert.equal(at('2026-12-02T11:15+01:00'), '2026-12-02T10:15:00.000Z');
  assert.equal(at('2026-12-01'), new Date(2026, 11, 1).toISOString(), 'a date alone is local midnight');
  assert.equal(at('2026-12-02 11:15'), new Date(2026, 11, 2, 11, 15).toISOString());
  for (const bad of ['yesterday', '30', '-2h', '2h ago', '2026-13-45', '']) assert.match(at(bad), /neither a time back from now/, bad);
});

test('remlite events: table and JSON lines, oldest first, --since filters, remote text sanitized', async () => {
  const dir = tmp();
  const log = new EventsLog(path.join(dir, 'events.log'));
  await log.append([ev(1, { host: 'web1\u001b[2J', summary: 'apache2 down\u009b31m' }), ev(30), ev(50, { kind: 'action-finished', severity: undefined, exitCode: 0, summary: 'done' })]);
  const run = (opts: Parameters<typeof runEvents>[1]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runEvents(dir, { now: new Date('2026-12-02T12:01:00Z'), ...opts }, (t) => out.push(t), (t) => err.push(t));
    return { code, out: out.join(''), err: err.join('') };
  };
  const json = run({ json: true });
  assert.equal(json.code, 0);
  const lines = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as FleetEvent);
  assert.deepEqual(lines.map((e) => e.summary), ['apache2 down', 'event 30', 'done']);
  assert.equal(lines[0]!.host, 'web1');
  const since = run({ json: true, since: '40s' });
  assert.deepEqual(since.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as FleetEvent).summary), ['event 30', 'done']);
  const table = run({ json: false, since: '2026-12-02T12:00:40Z' });
  assert.match(table.out, /^TIME \(UTC\)\s+KIND\s+SEV\/EXIT\s+HOST\s+WHAT\n2026-12-02 12:00:50\s+action-finished\s+exit 0\s+web1\s+done\n$/);
  assert.ok(!run({ json: false }).out.includes('\u001b'));
  const bad = run({ json: false, since: 'soon' });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--since "soon" is neither/);
  assert.equal(runEvents(tmp(), { json: false }, (t) => assert.equal(t, 'no events\n'), () => assert.fail('no error')), 0);
});

test('the events command and --notify are checked by the argument parser', () => {
  const a = parseCliArgs(['events', '--since', '2h', '--json']);
  assert.equal(a.command, 'events');
  assert.equal(a.since, '2h');
  assert.equal(a.json, true);
  assert.equal(parseCliArgs(['--notify', 'osc777']).notify, 'osc777');
  assert.throws(() => parseCliArgs(['--notify', 'loud']), UsageError);
  assert.throws(() => parseCliArgs(['status', '--since', '2h']), /--since applies to the events command/);
  assert.throws(() => parseCliArgs(['events', 'web1']), UsageError);
});

test('notification escapes: bell, OSC 9, OSC 777; nothing from the host can end the escape early', () => {
  const e = ev(1, { host: 'web1\u0007\u001b]52;c;ZXZpbA==\u0007;x', class: 'service-down', hostTurnedCritical: true });
  assert.equal(notificationEscape('off', e), '');
  assert.equal(notificationEscape('bell', e), '\u0007');
  const osc9 = notificationEscape('osc9', e);
  assert.equal(osc9, '\u001b]9;remlite: web1,x is critical: service-down\u0007');
  const osc777 = notificationEscape('osc777', e);
  assert.equal(osc777, '\u001b]777;notify;remlite: web1,x critical;web1,x is critical: service-down\u0007');
  for (const s of [osc9, osc777]) {
    const inner = s.slice(2, -1);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(inner), JSON.stringify(inner));
  }
  assert.match(notificationEscape('osc9', ev(2, { class: 'alert-firing', alert: 'NodeDown' })), /alert-firing NodeDown/);
});

test('a notification is written once per host turning critical, not for other events or again on later changes', () => {
  const store = createFleetStore();
  const written: string[] = [];
  const stop = notifyOnCritical(store, 'osc9', (b) => written.push(b));
  store.getState().recordEvents([ev(1, { host: 'web1', hostTurnedCritical: true }), ev(2, { host: 'web1' })]);
  store.getState().notify('unrelated');
  store.getState().recordEvents([ev(3, { host: 'web2', kind: 'finding-cleared' })]);
  store.getState().recordEvents([ev(4, { host: 'web2', hostTurnedCritical: true })]);
  assert.deepEqual(written, ['\u001b]9;remlite: web1 is critical: service-down\u0007', '\u001b]9;remlite: web2 is critical: service-down\u0007']);
  stop();
  store.getState().recordEvents([ev(5, { hostTurnedCritical: true })]);
  assert.equal(written.length, 2);
  const none: string[] = [];
  notifyOnCritical(store, 'off', (b) => none.push(b));
  store.getState().recordEvents([ev(6, { hostTurnedCritical: true })]);
  assert.deepEqual(none, []);
});
