// Trusting a host key writes only the key the operator reviewed, only while a live handshake of this
// run offers exactly that key; status --json names an untrusted host's key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustHostKey, trustRefusal } from '../../src/app/trust-host-key.js';
import { statusJson } from '../../src/cli/status-format.js';
import { createFleetStore } from '../../src/store/index.js';
import { SshPool } from '../../src/ssh/pool.js';
import { AuditLog } from '../../src/persist/audit-log.js';
import { sshFingerprintOfBase64 } from '../../src/util/ssh-fingerprint.js';
import type { HostKeyInfo, Machine } from '../../src/model/index.js';
import { keyBlob as blobOf } from '../support/key-blob.js';


const KEY_A = blobOf('ssh-ed25519', 'A'.repeat(32));
const KEY_B = blobOf('ssh-ed25519', 'B'.repeat(32));

function offer(base64: string, extra: Partial<HostKeyInfo> = {}): HostKeyInfo {
  return { type: 'ssh-ed25519', base64, fingerprint: sshFingerprintOfBase64(base64), status: 'unknown', knownHostsName: '[10.0.0.5]:2222', ...extra };
}
const reviewed = (base64: string) => ({ type: 'ssh-ed25519', base64, fingerprint: sshFingerprintOfBase64(base64) });

test('the reviewed key may be trusted only while a live handshake offers exactly it', () => {
  assert.equal(trustRefusal(offer(KEY_A), reviewed(KEY_A)), undefined);
  assert.match(trustRefusal(undefined, reviewed(KEY_A)) ?? '', /no connection in this run is offering a host key/);
  assert.match(trustRefusal(offer(KEY_B), reviewed(KEY_A)) ?? '', new RegExp(`DIFFERENT key \\(ssh-ed25519 ${sshFingerprintOfBase64(KEY_B).replace(/[+/]/g, '\\$&')}\\)`));
  assert.match(trustRefusal(offer(KEY_A), { ...reviewed(KEY_A), fingerprint: sshFingerprintOfBase64(KEY_B) }) ?? '', /is not the key's own/);
  assert.match(trustRefusal(offer(KEY_A, { status: 'changed' }), reviewed(KEY_A)) ?? '', /CHANGED.*never replaces a known key/);
  assert.match(trustRefusal(offer(KEY_A, { status: 'revoked' }), reviewed(KEY_A)) ?? '', /revoked/);
  assert.match(trustRefusal(offer(KEY_A, { knownHostsName: '*' }), reviewed(KEY_A)) ?? '', /pattern/);
});

test('with no live offer in this run (a fresh pool), trusting writes nothing and audits the refusal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-trust-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, '');
  const machine: Machine = {
    id: 'web1', name: 'web1', provider: 'datacenter', site: 's', pool: 'p', role: 'r', services: [], logs: [], origin: 'test',
    ssh: { host: '10.0.0.5', port: 2222, user: 'root', identityFiles: [], knownHostsFiles: [knownHosts] },
  };
  const store = createFleetStore();
  store.getState().setMachines([machine]);
  // What a fleet cache restores: an untrusted poll carrying the key — not an offer.
  store.getState().restoreCached([{ result: { machineId: 'web1', at: 1, reach: 'untrusted', hostKey: offer(KEY_A) }, findings: [] }]);
  const pool = new SshPool({ agentSocket: false });
  t.after(() => pool.close());
  const audit = new AuditLog(join(dir, 'audit.log'));
  const outcome = await trustHostKey({ store, pool, audit, who: 'tester' }, 'web1', reviewed(KEY_A));
  assert.equal(outcome.trusted, false);
  assert.equal(readFileSync(knownHosts, 'utf8'), '');
  const entries = audit.readAll().entries;
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.phase, 'refused');
  assert.match(entries[0]!.error ?? '', /no connection in this run/);
});

test('status --json reports an untrusted host key as {status, type, fingerprint}', () => {
  const store = createFleetStore();
  const machine: Machine = { id: 'web1', name: 'web1', provider: 'datacenter', site: 's', pool: 'p', role: 'r', services: [], logs: [], origin: 'test' };
  store.getState().setMachines([machine]);
  // The fingerprint printed is computed from the key, not copied from the poll.
  const hostKey = offer(KEY_A, { status: 'changed', fingerprint: 'SHA256:forged' });
  store.getState().applyPolls([{ result: { machineId: 'web1', at: 1, reach: 'untrusted', error: 'HOST KEY CHANGED', hostKey }, findings: [] }]);
  const out = JSON.parse(statusJson(store.getState())) as { hosts: { hostKey?: Record<string, string> }[] };
  assert.deepEqual(out.hosts[0]!.hostKey, { status: 'changed', type: 'ssh-ed25519', fingerprint: sshFingerprintOfBase64(KEY_A), knownHostsName: '[10.0.0.5]:2222' });
  store.getState().applyPolls([{ result: { machineId: 'web1', at: 2, reach: 'ok' }, findings: [] }]);
  assert.equal((JSON.parse(statusJson(store.getState())) as { hosts: { hostKey?: unknown }[] }).hosts[0]!.hostKey, undefined);
});
