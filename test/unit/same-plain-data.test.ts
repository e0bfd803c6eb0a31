import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samePlainData } from '../../src/util/same-plain-data.js';

test('samePlainData: equal plain data whatever the key order; any differing value, key, length or type is not', () => {
  const m = { id: 'web1', ssh: { host: '10.0.0.1', port: 22, identityFiles: ['/k'] }, services: ['apache2'], cloud: undefined };
  assert.ok(samePlainData(m, { cloud: undefined, services: ['apache2'], ssh: { port: 22, identityFiles: ['/k'], host: '10.0.0.1' }, id: 'web1' }));
  assert.ok(samePlainData([Number.NaN], [Number.NaN]));
  assert.ok(!samePlainData(m, { ...m, ssh: { ...m.ssh, port: 2222 } }), 'a nested value');
  assert.ok(!samePlainData(m, { ...m, services: ['apache2', 'cron'] }), 'an array length');
  assert.ok(!samePlainData(m, { ...m, role: '' }), 'an added key');
  assert.ok(!samePlainData({ a: undefined }, { b: undefined }), 'a renamed key');
  assert.ok(!samePlainData({ a: [] }, { a: {} }), 'an array is not an object');
  assert.ok(!samePlainData({ a: 1 }, { a: '1' }), 'a number is not its text');
  assert.ok(!samePlainData(null, {}));
});
