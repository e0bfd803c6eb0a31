import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureClass } from '../../src/model/index.js';
import { CHECKS } from '../../src/matrix/index.js';

const ALL_CLASSES: Record<FailureClass, true> = {
  'service-down': true,
  'service-restart-loop': true,
  'service-missing': true,
  'service-unresponsive': true,
  'disk-full': true,
  'inodes-full': true,
  'fs-read-only': true,
  unreachable: true,
  'untrusted-host-key': true,
  'probe-unreadable': true,
  'high-load': true,
  'memory-pressure': true,
  'config-drift': true,
  'config-test-failed': true,
  'file-perms': true,
  'file-replaced': true,
  'data-corrupt': true,
  'fs-errors': true,
  'module-missing': true,
  'db-tables-missing': true,
  'clock-skew': true,
  'not-accepted': true,
  'alert-firing': true,
  'netmount-unavailable': true,
  'mail-queue-backlog': true,
  'remote-logging-broken': true,
  'ec2-status-failed': true,
  'ec2-scheduled-event': true,
};

/** Repair action ids both sides of issue 4 agree on. */
const _REPAIR_IDS = [
  'service.restart', 'service.start', 'config.restore', 'perms.restore', 'disk.cleanup',
  'data.restore', 'db.restore', 'db.dump', 'module.load', 'fs.remount-rw',
];

test('the catalogue has exactly one check per failure class, with unique ids', () => {
  assert.deepEqual(CHECKS.map((c) => c.class).sort(), Object.keys(ALL_CLASSES).sort());
  assert.equal(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
});

test('every check says what it detects and how, in one short line each', () => {
  for (const c of CHECKS) {
    assert.ok(c.description.length > 0 && c.description.length <= 80, c.id);
    assert.ok(c.how.length > 0 && c.how.length <= 80, c.id);
    assert.ok(c.severities.length > 0, c.id);
  }
});

