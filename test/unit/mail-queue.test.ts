// The postfix queue: the probe's mailqueue section, the backlog detector and the mail.flush guard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CATALOGUE } from '../../src/actions/catalogue/index.js';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { detectMailQueueBacklog } from '../../src/matrix/mail-queue-backlog.js';
import type { HostProbe, Machine, MailQueueStatus } from '../../src/model/index.js';
import { defaultConfigTest } from '../../src/model/config-tests.js';
import { parseMailQueue } from '../../src/probe/parse-mailqueue.js';
import { buildProbeScript } from '../../src/probe/script.js';

const m: Machine = { id: 'mail1', name: 'mail1', provider: 'datacenter', site: 's', pool: 'mail', role: '', services: [], logs: [], origin: 't' };
const probe = (mailQueue?: MailQueueStatus): HostProbe => ({
  hostname: 'mail1', remoteTimeMs: 0, uptimeSec: 1, load1: 0, load5: 0, load15: 0, cpus: 1, memTotalBytes: 1, memAvailableBytes: 1,
  swapTotalBytes: 0, swapFreeBytes: 0, kernel: 'k', init: 'systemd', volumes: [], services: [], warnings: [], ...(mailQueue ? { mailQueue } : {}),
});
const detect = (q?: MailQueueStatus) => detectMailQueueBacklog({ machine: m, poll: { machineId: 'mail1', at: 0, reach: 'ok', probe: probe(q) }, now: 0, thresholds: DEFAULT_THRESHOLDS });

test('parseMailQueue: a count, unavailable with its reason, nothing without postfix; garbage is a warning', () => {
  const w: string[] = [];
  assert.deepEqual(parseMailQueue(['count=0'], (x) => w.push(x)), { count: 0 });
  assert.deepEqual(parseMailQueue(['count=1234'], (x) => w.push(x)), { count: 1234 });
  assert.deepEqual(parseMailQueue(['unavailable=postqueue: fatal: \u001b[2Jx'], (x) => w.push(x))?.unavailable?.includes('\u001b'), false);
  assert.equal(parseMailQueue([], (x) => w.push(x)), undefined);
  assert.equal(parseMailQueue(['count=-1'], (x) => w.push(x)), undefined);
  assert.equal(w.length, 1);
});

test('the probe script reads the queue from postqueue -p only where postfix has run, the count from its last line', () => {
  const s = buildProbeScript([]);
  assert.match(s, /section mailqueue\nif have postqueue && \[ -e \/var\/spool\/postfix\/pid\/master\.pid \]; then/);
  // The same case statement against postqueue's real last lines.
  const cases = s.slice(s.indexOf('  case $o in'), s.indexOf('  esac', s.indexOf('  case $o in')) + 6);
  const put = 'put() { printf "%s\\n" "$1"; }';
  for (const [line, out] of [
    ['-- 1 Kbytes in 5 Requests.', 'count=5'],
    ['-- 12 Kbytes in 1 Request.', 'count=1'],
    ['Mail queue is empty', 'count=0'],
    ['postqueue: fatal: malformed showq server response', 'unavailable=postqueue: fatal: malformed showq server response'],
  ]) {
    const r = spawnSync('sh', ['-c', `${put}\no=$1\n${cases}`, 'sh', line!], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), out, line);
  }
});

test('detector: below mailQueueWarn nothing; a warning from 100, critical from 1000, with mail.flush', () => {
  assert.deepEqual(detect(), []);
  assert.deepEqual(detect({ unavailable: 'x' }), []);
  assert.deepEqual(detect({ count: 99 }), []);
  const [w] = detect({ count: 100 });
  assert.equal(w?.severity, 'warning');
  assert.deepEqual(w?.repairs.map((r) => r.action), ['mail.flush']);
  assert.equal(detect({ count: 1000 })[0]?.severity, 'critical');
});

test('mail.flush stops on the host (exit 3) when postfix is not running; postfix@- is tested with postfix check', () => {
  const e = CATALOGUE['mail.flush']!;
  assert.deepEqual(e.preconditions!({}, { machine: m, init: 'systemd' }), ['postfix is running (postfix status)']);
  const r = spawnSync('/bin/sh', ['-c', e.command({}, { machine: m, init: 'systemd' })], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /precondition failed: postfix is running/);
  assert.equal(defaultConfigTest('postfix@-')?.command, 'postfix check');
});
