import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureClass } from '../../src/model/index.js';
import { CHECKS } from '../../src/matrix/index.js';

const ALL_CLASSES: Record<FailureClass, true> = {
  'service-down': true,
  'service-restart-loop': true,
  'service-missing': true,
  'disk-full': true,
  'inodes-full': true,
  'fs-read-only': true,
  unreachable: true,
  'untrusted-host-key': true,
  'probe-unreadable': true,
  'high-load': true,
  'memory-pressure': true,
  'ec2-status-failed': true,
  'ec2-scheduled-event': true,
};

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

test('only service-down and the EC2 status check offer repairs', () => {
  const withRepairs = CHECKS.filter((c) => c.repairs.length > 0);
  assert.deepEqual(withRepairs.map((c) => [c.class, c.repairs]), [
    ['service-down', ['service.restart', 'service.start']],
    ['ec2-status-failed', ['ec2.reboot']],
  ]);
});
