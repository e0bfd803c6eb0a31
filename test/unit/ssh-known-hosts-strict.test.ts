// Host keys as strict as OpenSSH: any known key binds a host (a key-type downgrade is a changed key),
// a HostKeyAlias is looked up as it is whatever the port, and trust never writes a pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendKnownHost,
  checkHostKey,
  hostKeyLookupName,
  isLiteralKnownHostsName,
  parseKnownHosts,
  readKnownHostsFiles,
} from '../../src/ssh/known-hosts.js';
import { hostKeyAlgorithmOrder } from '../../src/ssh/host-key-algorithms.js';
import { untrustedMessage } from '../../src/ssh/errors.js';
import { keyBlob as blobOf } from '../support/key-blob.js';


const ED = blobOf('ssh-ed25519', 'E'.repeat(32));
const ECDSA = blobOf('ecdsa-sha2-nistp256', 'C'.repeat(40));
const ECDSA_2 = blobOf('ecdsa-sha2-nistp256', 'D'.repeat(40));

test('a known ed25519 key makes an ECDSA-only offer a CHANGED key, not an unknown one', () => {
  const { entries } = parseKnownHosts(`[10.0.0.5]:2222 ssh-ed25519 ${ED}`, 'kh');
  assert.equal(checkHostKey(entries, '[10.0.0.5]:2222', 'ecdsa-sha2-nistp256', ECDSA), 'changed');
  assert.equal(checkHostKey(entries, '[10.0.0.5]:2222', 'ssh-ed25519', ED), 'match');
  // Another host is not bound by it.
  assert.equal(checkHostKey(entries, '[10.0.0.6]:2222', 'ecdsa-sha2-nistp256', ECDSA), 'unknown');
});

test('with keys of two types known, either exact key matches and any other key is changed', () => {
  const { entries } = parseKnownHosts(`web1 ssh-ed25519 ${ED}\nweb1 ecdsa-sha2-nistp256 ${ECDSA}`, 'kh');
  assert.equal(checkHostKey(entries, 'web1', 'ecdsa-sha2-nistp256', ECDSA), 'match');
  assert.equal(checkHostKey(entries, 'web1', 'ssh-ed25519', ED), 'match');
  assert.equal(checkHostKey(entries, 'web1', 'ecdsa-sha2-nistp256', ECDSA_2), 'changed');
});

test('a revoked key alone binds nothing: another key is unknown, the revoked one is revoked', () => {
  const { entries } = parseKnownHosts(`@revoked web1 ssh-ed25519 ${ED}`, 'kh');
  assert.equal(checkHostKey(entries, 'web1', 'ecdsa-sha2-nistp256', ECDSA), 'unknown');
  assert.equal(checkHostKey(entries, 'web1', 'ssh-ed25519', ED), 'revoked');
});

test('the known type is asked for first, so a host offering both types is checked against the known key', () => {
  assert.deepEqual(hostKeyAlgorithmOrder(['ecdsa-sha2-nistp256']).slice(0, 2), ['ecdsa-sha2-nistp256', 'ssh-ed25519']);
  assert.equal(hostKeyAlgorithmOrder(['ssh-ed25519'])[0], 'ssh-ed25519');
});

test('the downgrade message names the known type and the offered one', () => {
  const info = { type: 'ecdsa-sha2-nistp256', base64: ECDSA, fingerprint: 'SHA256:xyz', status: 'changed' as const, knownHostsName: '[10.0.0.5]:2222' };
  const text = untrustedMessage(info, '/nonexistent/known_hosts', ['ssh-ed25519']);
  assert.match(text, /HOST KEY CHANGED for \[10\.0\.0\.5\]:2222: known_hosts holds its ssh-ed25519 key, but it now offers only ecdsa-sha2-nistp256 SHA256:xyz/);
  assert.match(text, /ssh-keygen -R '\[10\.0\.0\.5\]:2222'/);
});

test('HostKeyAlias with Port 2222 is looked up as the plain alias, as OpenSSH does', () => {
  assert.equal(hostKeyLookupName({ host: '10.0.0.5', port: 2222, hostKeyAlias: 'web-alias' }), 'web-alias');
  assert.equal(hostKeyLookupName({ host: '10.0.0.5', port: 2222 }), '[10.0.0.5]:2222');
  assert.equal(hostKeyLookupName({ host: '10.0.0.5', port: 22 }), '10.0.0.5');
  const { entries } = parseKnownHosts(`web-alias ssh-ed25519 ${ED}`, 'kh');
  const name = hostKeyLookupName({ host: '10.0.0.5', port: 2222, hostKeyAlias: 'web-alias' });
  assert.equal(checkHostKey(entries, name, 'ssh-ed25519', ED), 'match', 'a host known under its alias is not shown as unknown');
});

test('literal known_hosts names: host, address, [host]:port; never a pattern, list, hash, marker or comment', () => {
  for (const ok of ['web1', 'web1.example.com', '10.0.0.5', '::1', 'fe80::1%eth0', '[10.0.0.5]:2222', '[::1]:2222', 'web_alias']) {
    assert.equal(isLiteralKnownHostsName(ok), true, ok);
  }
  for (const bad of ['*', 'web*', 'web?', '!web1', '[web]1', '[web*]:22', '[web]:0', '[web]:70000', 'a,b', '|1|abc|def', '@revoked', '#web', 'web]', '[web', '']) {
    assert.equal(isLiteralKnownHostsName(bad), false, bad);
  }
});

test('trust never writes a wildcard or pattern name into known_hosts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-kh-pattern-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, '');
  for (const name of ['*', '*.example.com', 'web?', '!web1', '[web]*', 'web[1]', 'web1,web2', '|1|c2FsdA==|aGFzaA==']) {
    await assert.rejects(appendKnownHost(file, name, 'ssh-ed25519', ED), /pattern or list/, name);
  }
  assert.equal(readFileSync(file, 'utf8'), '', 'nothing written');
  await appendKnownHost(file, '[10.0.0.5]:2222', 'ssh-ed25519', ED);
  await appendKnownHost(file, 'web-alias', 'ecdsa-sha2-nistp256', ECDSA);
  const read = await readKnownHostsFiles([file]);
  assert.equal(checkHostKey(read.entries, '[10.0.0.5]:2222', 'ssh-ed25519', ED), 'match');
  assert.equal(checkHostKey(read.entries, 'web-alias', 'ecdsa-sha2-nistp256', ECDSA), 'match');
  assert.equal(checkHostKey(read.entries, 'other', 'ssh-ed25519', ED), 'unknown', 'the lines bind only their own hosts');
});
