import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FleetRow } from '../../src/store/selectors.js';
import { gridStatus, INITIAL_GRID_UI } from '../../views/grid-columns.js';

const group = (pool: string, count: number): FleetRow => ({ kind: 'group', pool, count, critical: 0, warning: 0 });
const host = (id: string) => ({ kind: 'host', id }) as FleetRow;

test('the footer counts the selected host among hosts only, pool headers left out', () => {
  const rows = [group('db', 2), host('db1'), host('db2'), group('web', 1), host('web1')];
  const ui = { ...INITIAL_GRID_UI, groupByPool: true };
  assert.equal(gridStatus(rows, 0, ui), '0/3 sort:name↑ by pool', 'on a pool header: no host yet');
  assert.equal(gridStatus(rows, 2, ui), '2/3 sort:name↑ by pool');
  assert.equal(gridStatus(rows, 3, ui), '2/3 sort:name↑ by pool', 'the next header keeps the count');
  assert.equal(gridStatus(rows, 4, { ...ui, filter: 'web', sortDesc: true }, 2), '3/3 sort:name↓ by pool filter:web 2 marked');
  assert.equal(gridStatus([], -1, INITIAL_GRID_UI), '0/0 sort:name↑');
});
