// The console runs node without V8 flags (they would cost node's own code cache at every start) and
// applies its heap settings at run time instead (src/util/heap-settings.ts). Each check runs in a
// fresh node, as the console does, against a control run without the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SETTINGS = path.resolve('dist/src/util/heap-settings.js');
const MB = 1024 * 1024;
/** Two 8 MB semi-spaces, as V8 sizes them: Node 24's V8 rounds to pages (17.25 MB seen), 20 and 22 do not. */
const CAP_AS_SIZED = 18 * MB;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
/**
 * A worker's two 4 MB semi-spaces; Node 24's V8 sizes a 12 MB young generation limit its own way
 * (12.25 MB of new space seen, 9.25 in another run).
 */
const WORKER_CAP_AS_SIZED = (NODE_MAJOR >= 24 ? 13 : 8) * MB;

/** Runs `body` (an ES module body) in a fresh node without flags; `apply`: after applyHeapSettings(). */
function inFreshNode(body: string, apply: boolean): Record<string, number> {
  const script = `import { applyHeapSettings, newSpaceBytes, startWorker, WORKER_RESOURCE_LIMITS } from ${JSON.stringify(SETTINGS)};\n${apply ? 'applyHeapSettings();' : ''}\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'V8 took every flag without a word');
  return JSON.parse(r.stdout) as Record<string, number>;
}

/** Many surviving objects made in one task, the new space's size after it in `afterBurst`. */
const BURST = `
const burst = [];
for (let r = 0; r < 4; r++) {
  const batch = [];
  for (let i = 0; i < 300000; i++) batch.push({ i, s: 'x' + i, c: [i], d: { e: i } });
  burst.push(batch);
}
const afterBurst = newSpaceBytes();`;

/**
 * Objects that survive a few scavenges, allocated over many turns of the event loop (as polls land),
 * the largest new space seen kept in `most`; then `done` runs. Needs `newSpaceBytes()` in scope.
 */
const survivors = (rounds: number, done: string) => `
const keep = [];
let most = 0;
const round = (r) => {
  const batch = [];
  for (let i = 0; i < 2000; i++) batch.push({ i, s: 'x' + i });
  keep.push(batch);
  if (keep.length > 40) keep.shift();
  most = Math.max(most, newSpaceBytes());
  if (r < ${rounds}) setImmediate(round, r + 1); else ${done};
};
round(0);`;

test('the start runs node without V8 flags: the #! line, the bundle and npm start', () => {
  assert.equal(readFileSync('src/cli/main.ts', 'utf8').split('\n')[0], '#!/usr/bin/env node');
  assert.equal(readFileSync('dist/bundle/remlite.cjs', 'utf8').split('\n')[0], '#!/usr/bin/env node');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts['start'], 'node scripts/start.mjs');
});

test('the new space stops growing at two 8 MB semi-spaces, where V8 alone lets it grow further', () => {
  const body = `const most = await new Promise((done) => {${survivors(3000, 'done(most)')}});\nconsole.log(JSON.stringify({ most }));`;
  const capped = inFreshNode(body, true)['most']!;
  const control = inFreshNode(body, false)['most']!;
  assert.ok(control >= 32 * MB, `the load grows V8's default new space past the cap (${control / MB} MB)`);
  assert.ok(capped >= 8 * MB, `it grows as objects survive (${capped / MB} MB)`);
  assert.ok(capped <= CAP_AS_SIZED, `${capped / MB} MB`);
});

test('one task that makes many surviving objects at once (the first refresh of 10,000 hosts landing) leaves the new space at the cap, where V8 alone grows it further', () => {
  // Many young GCs in one task, before the cap was ever reached: growth stopped from a GC observer
  // alone came too late (32 MB on Node 20).
  const body = `
${BURST}
const most = await new Promise((done) => {${survivors(300, 'done(most)')}});
console.log(JSON.stringify({ afterBurst, most, kept: burst.length }));`;
  const capped = inFreshNode(body, true);
  const control = inFreshNode(body, false);
  assert.ok(control['afterBurst']! >= 32 * MB, `the burst grows V8's default new space past the cap (${control['afterBurst']! / MB} MB)`);
  assert.ok(capped['afterBurst']! <= CAP_AS_SIZED, `after the burst: ${capped['afterBurst']! / MB} MB`);
  assert.ok(capped['most']! <= CAP_AS_SIZED, `afterwards: ${capped['most']! / MB} MB`);
  assert.ok(capped['most']! >= 8 * MB, `it still grows between tasks as objects survive (${capped['most']! / MB} MB)`);
});

test('a worker thread started after the settings does not undo them (Node 20 and 22 set V8 flags back at its start)', () => {
  const body = (start: string) => `
const { Worker } = await import('node:worker_threads');
const code = "require('node:worker_threads').parentPort.postMessage('up')";
const w = ${start};
await new Promise((resolve) => w.once('message', resolve));
${BURST}
const most = await new Promise((done) => {${survivors(300, 'done(most)')}});
await w.terminate();
console.log(JSON.stringify({ afterBurst, most }));`;
  const kept = inFreshNode(body("startWorker(code, { eval: true, execArgv: [] })"), true);
  assert.ok(kept['afterBurst']! <= CAP_AS_SIZED, `after the burst: ${kept['afterBurst']! / MB} MB`);
  assert.ok(kept['most']! <= CAP_AS_SIZED, `afterwards: ${kept['most']! / MB} MB`);
  assert.ok(kept['most']! >= 8 * MB, `it still grows between tasks as objects survive (${kept['most']! / MB} MB)`);
  // Node 24 keeps the flags across a worker's start: there the control has nothing to show.
  if (NODE_MAJOR < 24) {
    const lost = inFreshNode(body('new Worker(code, { eval: true, execArgv: [], resourceLimits: WORKER_RESOURCE_LIMITS })'), true);
    assert.ok(lost['afterBurst']! >= 32 * MB, `a worker started plainly lets the burst grow the new space past the cap (${lost['afterBurst']! / MB} MB)`);
  }
});

test('the old space grows by 30% over the live heap, not by V8 default factor', () => {
  const body = `
const keep = [];
for (let r = 0; r < 300; r++) {
  const batch = [];
  for (let i = 0; i < 3000; i++) batch.push({ i, s: 'x' + i + r });
  keep.push(batch);
  if (keep.length > 150) keep.splice(0, 10);
}
const v8 = await import('node:v8');
console.log(JSON.stringify({ total: v8.getHeapStatistics().total_heap_size }));`;
  const settled = inFreshNode(body, true)['total']!;
  const control = inFreshNode(body, false)['total']!;
  assert.ok(settled <= control * 0.92, `${settled / MB} MB against ${control / MB} MB without the settings`);
});

test('a worker has two 4 MB semi-spaces from its start and keeps them, where the console\'s growth factor would keep it at 1 MB and V8 alone lets it grow further', () => {
  const body = (start: string) => `
const { Worker } = await import('node:worker_threads');
const code = ${JSON.stringify(`
const { parentPort } = require('node:worker_threads');
const v8 = require('node:v8');
const newSpaceBytes = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const first = newSpaceBytes();
${survivors(2000, 'parentPort.postMessage({ first, most })')}`)};
const w = ${start};
const seen = await new Promise((resolve) => w.once('message', resolve));
await w.terminate();
console.log(JSON.stringify(seen));`;
  const capped = inFreshNode(body('startWorker(code, { eval: true, execArgv: [] })'), true);
  assert.ok(capped['first']! >= 4 * MB, `at its start: ${capped['first']! / MB} MB`);
  assert.ok(capped['most']! >= 8 * MB, `both semi-spaces in use: ${capped['most']! / MB} MB`);
  assert.ok(capped['most']! <= WORKER_CAP_AS_SIZED, `${capped['most']! / MB} MB`);
  const unlimited = inFreshNode(body("new Worker(code, { eval: true, execArgv: [] })"), false)['most']!;
  assert.ok(unlimited >= 32 * MB, `V8 alone grows a worker's new space past the cap (${unlimited / MB} MB)`);
  if (NODE_MAJOR < 24) {
    // A worker started plainly, its flags set back (as the console does at its start) once online.
    const small = inFreshNode(body("new Worker(code, { eval: true, execArgv: [], resourceLimits: WORKER_RESOURCE_LIMITS }).once('online', applyHeapSettings)"), false)['most']!;
    assert.ok(small <= capped['most']! / 2, `with the growth factor at 1 from its start it stays at V8's first semi-spaces (${small / MB} MB)`);
  }
});
