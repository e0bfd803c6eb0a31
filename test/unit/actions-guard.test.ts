import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PRECONDITION_EXIT, requireOnHost } from '../../src/actions/guard.js';

function sh(script: string) {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('requireOnHost: an unmet condition stops the command with exit 3 and names it; later steps never run', () => {
  const r = sh(`${requireOnHost('[ -e /nonexistent/remlite-guard ]', "the file's 'parent' exists")} && echo changed`);
  assert.equal(r.status, PRECONDITION_EXIT);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "remlite: precondition failed: the file's 'parent' exists\n");
});

test('requireOnHost: a met condition lets the next step run', () => {
  const r = sh(`${requireOnHost('[ -d / ]', 'root exists')} && echo changed`);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'changed\n');
  assert.equal(r.stderr, '');
});

test('requireOnHost: a failing step before the guard is not blamed on the precondition', () => {
  const r = sh(`false && ${requireOnHost('[ -d / ]', 'root exists')} && echo changed`);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '');
});
