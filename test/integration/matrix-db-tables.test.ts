// Failure matrix, db-tables-missing, on the lab's MariaDB host: a table of the declared database
// dropped. Seen in the first poll after the fault; db.restore pipes the dump the console took
// when the baseline was accepted into mysql, and the tables and their rows are back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleared, DATABASE, DB, findingOf, matrixSkip, startMatrixHarness, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (!skip && h) await h.close();
});

async function rowCounts(): Promise<string> {
  return (
    await h.sh(DB, `mysql -N -B -e 'SELECT "orders", COUNT(*) FROM ${DATABASE}.orders; SELECT "users", COUNT(*) FROM ${DATABASE}.users'`)
  ).trim();
}

test('db-tables-missing: DROP TABLE orders is critical in the first poll; db.restore from the dump taken at accept brings both tables and their rows back', { skip }, async () => {
  const counts = await rowCounts();
  assert.equal(counts, 'orders\t2\nusers\t3');
  const dump = h.core.baselines.newestDump(DB, DATABASE);
  assert.ok(dump, 'accepting the baseline took a dump');
  assert.equal(h.core.baselines.load(DB).baseline?.databases[DATABASE]?.dump, dump.name);

  const t = await h.inject(DB, `mysql -e 'DROP TABLE ${DATABASE}.orders'`);
  const seen = await h.firstPollAfter(DB, t);
  const f = findingOf(seen, 'db-tables-missing', DATABASE);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `1 table(s) missing from ${DATABASE}`);
  assert.ok(f.evidence.includes('missing: orders'), f.evidence.join('\n'));

  const fixed = await h.repairWith(f);
  assert.equal(fixed.plan.command, `mysql ${DATABASE}`);
  assert.deepEqual([fixed.plan.input?.baselineFile, fixed.plan.input?.sha256], [dump.name, dump.sha256]);
  assertCleared(await h.firstPollAfter(DB, fixed.doneAt), 'db-tables-missing');
  assert.equal((await h.sh(DB, `mysql -N -B -e 'SHOW TABLES' ${DATABASE}`)).split('\n').filter(Boolean).sort().join(','), 'orders,users');
  assert.equal(await rowCounts(), counts, 'row counts equal to the baseline');
});
