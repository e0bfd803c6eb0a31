import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isSafeServiceName, shCommand, shQuote, shQuoteAnyShell } from '../../src/util/shell-quote.js';

const hostile = [
  '',
  "it's",
  'a;touch /tmp/remlite-canary',
  '$(id)',
  '`id`',
  'line1\nline2',
  '-rf',
  '--help',
  '"double"',
  '\\back\\slash',
  '* ? [a]',
  '${HOME}',
  "'; echo pwned; '",
  ' leading and trailing ',
  'ünïcödé ✓',
];

test('every quoted value reaches the shell as exactly one, unchanged word', () => {
  for (const value of hostile) {
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shQuote(value)}`], { encoding: 'utf8' });
    assert.equal(out, value, `value ${JSON.stringify(value)}`);
  }
});

test('random strings survive quoting through a real shell (property)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = "abc ;|&$()`'\"\\\n\t*?[]{}<>!#~-=%";
  const values: string[] = [];
  for (let i = 0; i < 200; i++) {
    let s = '';
    for (let j = 0, n = Math.floor(rand() * 12); j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    values.push(s);
  }
  const script = values.map((v) => `printf '%s\\0' ${shQuote(v)}`).join('\n');
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), values);
});

test('plain words are left readable', () => {
  assert.equal(shQuote('apache2.service'), 'apache2.service');
  assert.equal(shCommand('systemctl', 'restart', '--', 'x y'), "systemctl restart -- 'x y'");
});

test('NUL bytes are refused', () => {
  assert.throws(() => shQuote('a\0b'), /NUL/);
});

test('service names: ordinary ones pass, hostile ones do not', () => {
  for (const ok of ['apache2', 'ssh', 'getty@tty1.service', 'systemd-journald', 'php8.2-fpm']) assert.ok(isSafeServiceName(ok), ok);
  for (const bad of ['', '-rf', 'a;b', '$(id)', 'a b', 'a/b', '`x`', 'x\ny', '.hidden']) assert.ok(!isSafeServiceName(bad), bad);
});

test('shQuoteAnyShell: one word with the same value for sh, and for fish where it is installed', () => {
  const values = ["it's", 'a\\b', "\\'", "'\\''", 'x y', '$(id) `id`', '', "''", 'line1\nline2', '-rf', 'plain'];
  for (const v of values) {
    assert.equal(execFileSync('/bin/sh', ['-c', `printf '%s' ${shQuoteAnyShell(v)}`], { encoding: 'utf8' }), v, `sh: ${JSON.stringify(v)}`);
    if (!/\\/.test(v)) assert.equal(shQuoteAnyShell(v), shQuote(v), 'identical to shQuote without backslashes');
  }
  if (!existsSync('/usr/bin/fish')) return; // fish is optional here; CI installs it
  for (const v of values) {
    assert.equal(execFileSync('/usr/bin/fish', ['-c', `printf '%s' ${shQuoteAnyShell(v)}`], { encoding: 'utf8' }), v, `fish: ${JSON.stringify(v)}`);
  }
});
