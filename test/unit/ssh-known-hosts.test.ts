import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendKnownHost,
  checkHostKey,
  entryMatchesName,
  fingerprintSha256,
  hashKnownHostName,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  matchPattern,
  parseKnownHosts,
  readKnownHostsFiles,
} from '../../src/ssh/known-hosts.js';
import { hostKeyAlgorithmOrder } from '../../src/ssh/host-key-algorithms.js';
import { keyBlob as blobOf } from '../support/key-blob.js';


const ED_A = blobOf('ssh-ed25519', 'A'.repeat(32));
const ED_B = blobOf('ssh-ed25519', 'B'.repeat(32));
const RSA_A = blobOf('ssh-rsa', 'R'.repeat(64));

test('knownHostsName: bare for port 22, bracketed otherwise', () => {
  assert.equal(knownHostsName('web1', 22), 'web1');
  assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
});

test('parse: plain, comma lists, bracketed ports, comments, cert-authority, revoked', () => {
  const text = [
    '# comment',
    '',
    `web1,10.0.0.1 ssh-ed25519 ${ED_A}`,
    `[db1]:2222 ssh-ed25519 ${ED_B} trailing comment`,
    `@cert-authority *.example.com ssh-ed25519 ${ED_A}`,
    `@revoked web2 ssh-ed25519 ${ED_B}`,
  ].join('\n');
  const { entries, warnings } = parseKnownHosts(text, 'kh');
  assert.deepEqual(warnings, []);
  assert.equal(entries.length, 3);
  assert.deepEqual(entries[0]?.patterns, ['web1', '10.0.0.1']);
  assert.equal(entries[0]?.source, 'kh:3');
  assert.equal(entries[2]?.revoked, true);
  assert.equal(checkHostKey(entries, '10.0.0.1', 'ssh-ed25519', ED_A), 'match');
  assert.equal(checkHostKey(entries, '[db1]:2222', 'ssh-ed25519', ED_B), 'match');
  assert.equal(checkHostKey(entries, 'db1', 'ssh-ed25519', ED_B), 'unknown', 'port 22 name is a different entry');
  assert.equal(checkHostKey(entries, 'x.example.com', 'ssh-ed25519', ED_A), 'unknown', 'cert-authority lines are ignored');
});

test('parse: bad lines are skipped with file:line warnings', () => {
  const text = [
    'onlyonefield',
    `web1 ssh-ed25519 not*base64`,
    `web1 ssh-rsa ${ED_A}`,
    `|1|bad|hash ssh-ed25519 ${ED_A}`,
    `@bogus web1 ssh-ed25519 ${ED_A}`,
    `good ssh-ed25519 ${ED_A}`,
  ].join('\n');
  const { entries, warnings } = parseKnownHosts(text, '/home/u/.ssh/known_hosts');
  assert.equal(entries.length, 1);
  assert.equal(warnings.length, 5);
  assert.match(warnings[0] ?? '', /^\/home\/u\/\.ssh\/known_hosts:1: /);
  assert.match(warnings[2] ?? '', /:3: key type ssh-rsa does not match/);
  assert.match(warnings[4] ?? '', /:5: unknown marker @bogus/);
});

test('wildcards and negation', () => {
  assert.equal(matchPattern('web12.example.com', '*.example.com'), true);
  assert.equal(matchPattern('example.com', '*.example.com'), false);
  assert.equal(matchPattern('web1', 'web?'), true);
  assert.equal(matchPattern('web12', 'web?'), false);
  assert.equal(matchPattern('WEB1', 'web1'), true);
  assert.equal(matchPattern('[10.0.0.5]:2222', '[10.0.0.*]:2222'), true);
  assert.equal(matchPattern('aXbXc', '*X*X*'), true);
  assert.equal(matchPattern('abc', '*X*'), false);
  const { entries } = parseKnownHosts(`*.example.com,!bad.example.com ssh-ed25519 ${ED_A}`, 'kh');
  const entry = entries[0];
  assert.ok(entry);
  assert.equal(entryMatchesName(entry, 'good.example.com'), true);
  assert.equal(entryMatchesName(entry, 'bad.example.com'), false);
  assert.equal(checkHostKey(entries, 'bad.example.com', 'ssh-ed25519', ED_A), 'unknown');
});

test('hashed entries match only their own name (HMAC-SHA1)', () => {
  const salt = Buffer.alloc(20, 7);
  const hashed = hashKnownHostName('[10.1.2.3]:2200', salt);
  const { entries, warnings } = parseKnownHosts(`${hashed} ssh-ed25519 ${ED_A}`, 'kh');
  assert.deepEqual(warnings, []);
  assert.equal(checkHostKey(entries, '[10.1.2.3]:2200', 'ssh-ed25519', ED_A), 'match');
  assert.equal(checkHostKey(entries, '10.1.2.3', 'ssh-ed25519', ED_A), 'unknown');
});

test('hashed entries written by ssh-keygen -H are recognised', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-kh-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `[web9.lab]:2022 ssh-ed25519 ${ED_A}\n`);
  const r = spawnSync('ssh-keygen', ['-H', '-f', file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return t.skip('ssh-keygen not available');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^\|1\|/);
  const { entries } = parseKnownHosts(text, file);
  assert.equal(checkHostKey(entries, '[web9.lab]:2022', 'ssh-ed25519', ED_A), 'match');
});

test('checkHostKey: changed, revoked, other key types', () => {
  const { entries } = parseKnownHosts(
    [`web1 ssh-ed25519 ${ED_A}`, `web2 ssh-rsa ${RSA_A}`, `@revoked * ssh-ed25519 ${ED_B}`].join('\n'),
    'kh',
  );
  assert.equal(checkHostKey(entries, 'web1', 'ssh-ed25519', ED_A), 'match');
  assert.equal(checkHostKey(entries, 'web1', 'ssh-ed25519', ED_B), 'revoked');
  assert.equal(checkHostKey(entries, 'web2', 'ssh-ed25519', ED_A), 'changed', 'an rsa key is known: any known key binds the host');
  const { entries: e2 } = parseKnownHosts(`web1 ssh-ed25519 ${ED_A}`, 'kh');
  assert.equal(checkHostKey(e2, 'web1', 'ssh-ed25519', ED_B), 'changed');
  assert.deepEqual(knownKeyTypes(entries, 'web2'), ['ssh-rsa']);
});

test('host key algorithms put known types first', () => {
  const order = hostKeyAlgorithmOrder(['ssh-rsa']);
  assert.deepEqual(order.slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.ok(order.includes('ssh-ed25519'));
  assert.equal(new Set(order).size, order.length);
  assert.equal(hostKeyAlgorithmOrder([])[0], 'ssh-ed25519');
});

test('keyTypeOfBlob reads the wire type and refuses garbage', () => {
  assert.equal(keyTypeOfBlob(Buffer.from(ED_A, 'base64')), 'ssh-ed25519');
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1, 2])), '');
  assert.equal(keyTypeOfBlob(Buffer.alloc(2)), '');
});

test('fingerprintSha256 equals ssh-keygen -lf on a generated key', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-fp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'k');
  const gen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { encoding: 'utf8' });
  if (gen.error || gen.status !== 0) return t.skip('ssh-keygen not available');
  const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key + '.pub'], { encoding: 'utf8' });
  const expected = listed.stdout.split(/\s+/)[1];
  const base64 = readFileSync(key + '.pub', 'utf8').split(/\s+/)[1] ?? '';
  assert.ok(expected?.startsWith('SHA256:'));
  assert.equal(fingerprintSha256(Buffer.from(base64, 'base64')), expected);
});

test('appendKnownHost creates dir 0700 and file 0600, appends without rewriting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-append-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ssh', 'known_hosts');
  await appendKnownHost(file, '[127.0.0.1]:2222', 'ssh-ed25519', ED_A);
  assert.equal(statSync(join(dir, 'ssh')).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  // A last line without newline must stay intact.
  writeFileSync(file, readFileSync(file, 'utf8') + `# note without newline`);
  await appendKnownHost(file, 'web1', 'ssh-ed25519', ED_B);
  assert.equal(
    readFileSync(file, 'utf8'),
    `[127.0.0.1]:2222 ssh-ed25519 ${ED_A}\n# note without newline\nweb1 ssh-ed25519 ${ED_B}\n`,
  );
  const read = await readKnownHostsFiles([join(dir, 'missing'), file]);
  assert.equal(checkHostKey(read.entries, 'web1', 'ssh-ed25519', ED_B), 'match');
  await assert.rejects(appendKnownHost(file, 'web1 evil', 'ssh-ed25519', ED_B), /whitespace/);
  await assert.rejects(appendKnownHost(file, 'web1', 'ssh-rsa', ED_B), /not a ssh-rsa/);
});
