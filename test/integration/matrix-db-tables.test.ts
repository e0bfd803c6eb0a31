// Failure matrix, db-tables-missing, on the lab's MariaDB host: a table of the declared database
// dropped, or the whole database. Seen in the first poll after the fault; db.restore sends the dump
// the console took when the baseline was accepted, and the host keeps only the missing tables'
// sections of it (no DROP) and creates them, the database first when it is gone: rows written
// since to the other tables survive. It refuses when a table it would create exists by then.
// db.rollback, the whole-database rollback, is a separate action, never the finding's first.
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

async function mysql(sql: string): Promise<string> {
  return (await h.sh(DB, `mysql -N -B -e '${sql}'`)).trim();
}

const rowCounts = () => mysql(`SELECT "orders", COUNT(*) FROM ${DATABASE}.orders; SELECT "users", COUNT(*) FROM ${DATABASE}.users`);
const tables = async () => (await mysql(`SHOW TABLES FROM ${DATABASE}`)).split('\n').filter(Boolean).sort().join(',');

/** Puts the database back as the harness made it (the state the baseline was accepted in). */
async function resetDatabase(): Promise<void> {
  await h.sh(
    DB,
    `mysql -e 'DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE};
      CREATE TABLE ${DATABASE}.users (id INT PRIMARY KEY, name VARCHAR(40));
      CREATE TABLE ${DATABASE}.orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(9,2));
      INSERT INTO ${DATABASE}.users VALUES (1, "ada"), (2, "grace"), (3, "linus");
      INSERT INTO ${DATABASE}.orders VALUES (10, 1, 12.50), (11, 2, 7.25);'`,
  );
}

test('db-tables-missing: DROP TABLE orders + a row added to the untouched users is critical in the first poll; db.restore creates orders from the dump taken at accept and the new users row survives', { skip }, async () => {
  assert.equal(await rowCounts(), 'orders\t2\nusers\t3');
  const dump = h.core.baselines.newestDump(DB, DATABASE);
  assert.ok(dump, 'accepting the baseline took a dump');
  assert.equal(h.core.baselines.load(DB).baseline?.databases[DATABASE]?.dump, dump.name);

  const t = await h.inject(DB, `mysql -e 'DROP TABLE ${DATABASE}.orders; INSERT INTO ${DATABASE}.users VALUES (4, "barbara")'`);
  const seen = await h.firstPollAfter(DB, t);
  const f = findingOf(seen, 'db-tables-missing', DATABASE);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `1 table(s) missing from ${DATABASE}`);
  assert.ok(f.evidence.includes('missing: orders'), f.evidence.join('\n'));
  assert.deepEqual(
    f.repairs.map((r) => [r.action, r.params]),
    [['db.restore', { database: DATABASE, tables: 'orders' }], ['db.rollback', { database: DATABASE }]],
    'the missing tables first; the whole-database rollback is never the default',
  );

  const fixed = await h.repairWith(f);
  assert.equal(fixed.plan.intent.action, 'db.restore');
  assert.deepEqual([fixed.plan.input?.baselineFile, fixed.plan.input?.sha256], [dump.name, dump.sha256]);
  assert.deepEqual(fixed.plan.preconditions, [
    'the stored dump has a definition of each table to create: orders',
    'the MySQL/MariaDB server answers',
    `none of orders exists in ${DATABASE}: existing tables are left untouched (never dropped nor overwritten)`,
  ]);
  assertCleared(await h.firstPollAfter(DB, fixed.doneAt), 'db-tables-missing');
  assert.equal(await tables(), 'orders,users');
  assert.equal(await rowCounts(), 'orders\t2\nusers\t4', 'orders as in the dump; users kept the row added after accept');
  assert.equal(await mysql(`SELECT name FROM ${DATABASE}.users WHERE id = 4`), 'barbara');
});

test('db-tables-missing: DROP DATABASE is critical (database does not exist) in the first poll; db.restore creates the database and both tables with their rows', { skip }, async () => {
  await resetDatabase();
  const t = await h.inject(DB, `mysql -e 'DROP DATABASE ${DATABASE}'`);
  const seen = await h.firstPollAfter(DB, t);
  const f = findingOf(seen, 'db-tables-missing', DATABASE);
  assert.equal(f.summary, `database ${DATABASE} does not exist`);
  assert.deepEqual(f.repairs[0]?.params, { database: DATABASE, tables: 'orders,users' });
  assert.equal(f.repairs[0]?.action, 'db.restore');

  const fixed = await h.repairWith(f);
  assertCleared(await h.firstPollAfter(DB, fixed.doneAt), 'db-tables-missing');
  assert.equal(await tables(), 'orders,users');
  assert.equal(await rowCounts(), 'orders\t2\nusers\t3');
  assert.equal(await mysql(`SELECT total FROM ${DATABASE}.orders WHERE id = 11`), '7.25');
});

test('db.restore fails closed when a table it would create exists by the time it runs: exit 3, that table and the others untouched', { skip }, async () => {
  await resetDatabase();
  const t = await h.inject(DB, `mysql -e 'DROP TABLE ${DATABASE}.orders'`);
  const f = findingOf(await h.firstPollAfter(DB, t), 'db-tables-missing', DATABASE);
  const planned = h.core.intents.plan({ machineId: DB, action: f.repairs[0]!.action, params: f.repairs[0]!.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');

  // Between the finding and the run, someone creates orders again, with other columns and a row.
  await h.sh(DB, `mysql -e 'CREATE TABLE ${DATABASE}.orders (note VARCHAR(20)); INSERT INTO ${DATABASE}.orders VALUES ("made by hand")'`);
  await h.core.intents.run(planned.plan);
  const run = h.core.store.getState().actions.find((a) => a.plan === planned.plan);
  assert.equal(run?.state, 'failed');
  assert.equal(run?.result?.exitCode, 3, run?.result?.outputTail);
  assert.match(run?.result?.outputTail ?? '', /remlite: already in remlite_app: orders/);
  assert.match(run?.result?.outputTail ?? '', new RegExp(`precondition failed: none of orders exists in ${DATABASE}`));
  assert.equal(await mysql(`SELECT note FROM ${DATABASE}.orders`), 'made by hand', 'the existing table was neither dropped nor written');
  assert.equal(await mysql(`SELECT COUNT(*) FROM ${DATABASE}.users`), '3');
});

test('db.rollback is its own, explicitly named action: it rolls ALL of the database back to the dump (rows added since are lost, as its confirmation says)', { skip }, async () => {
  await resetDatabase();
  await h.sh(DB, `mysql -e 'INSERT INTO ${DATABASE}.users VALUES (5, "edsger"); DELETE FROM ${DATABASE}.orders WHERE id = 10'`);
  const planned = h.core.intents.plan({ machineId: DB, action: 'db.rollback', params: { database: DATABASE } });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  assert.equal(planned.plan.title, `Roll ALL of database ${DATABASE} back to the newest stored dump`);
  assert.match(planned.plan.expected, /rows written to remlite_app since the dump are LOST/);
  await h.core.intents.run(planned.plan);
  const run = h.core.store.getState().actions.find((a) => a.plan === planned.plan);
  assert.equal(run?.state, 'succeeded', run?.result?.outputTail);
  assert.equal(await rowCounts(), 'orders\t2\nusers\t3');
  assert.equal(await mysql(`SELECT COUNT(*) FROM ${DATABASE}.users WHERE id = 5`), '0');
});
