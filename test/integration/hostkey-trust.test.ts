// Host keys on a real lab host: an unknown key leaves the host untrusted (never silently accepted),
// trusting it is an explicit intent that writes known_hosts; a changed key (of any type) is refused and never replaced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { Machine } from '../../src/model/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const consoles: RemliteConsole[] = [];

let lab: LabInfo;
let web: Machine;
let dir: string;

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  web = fleet.machines.find((m) => m.id === 'lab-web2')!;
  dir = mkdtempSync(join(tmpdir(), 'remlite-trust-'));
});

after(async () => {
  for (const c of consoles) await c.close();
});

function consoleWith(knownHosts: string): RemliteConsole {
  const machine: Machine = { ...web, ssh: { ...web.ssh!, knownHostsFiles: [knownHosts] } };
  const c = createConsole({
    machines: [machine],
    auditPath: join(dir, 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 4,
    logScrollback: 100,
  });
  consoles.push(c);
  return c;
}

test('an unknown host key is shown as untrusted; trusting it writes known_hosts and the host is probed', { skip }, async () => {
  const knownHosts = join(dir, 'known_hosts_empty');
  writeFileSync(knownHosts, '');
  const c = consoleWith(knownHosts);
  c.poller.start();
  const host = await waitFor('the first poll', () => c.store.getState().hosts[web.id]?.last && c.store.getState().hosts[web.id]);
  assert.equal(host.last?.reach, 'untrusted');
  assert.equal(host.last?.hostKey?.status, 'unknown');
  assert.match(host.last!.hostKey!.fingerprint, /^SHA256:/);
  assert.ok(host.findings.some((f) => f.class === 'untrusted-host-key' && f.severity === 'critical'));
  assert.equal(readFileSync(knownHosts, 'utf8'), '', 'nothing written before the operator decides');

  // The lab knows the real key: the fingerprint offered must be that one.
  const labLine = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(web.ssh!.host + ' '))!;
  assert.equal(host.last!.hostKey!.base64, labLine.split(' ')[2]);

  const offered = host.last!.hostKey!;
  const outcome = await c.intents.trustHostKey(web.id, { type: offered.type, base64: offered.base64, fingerprint: offered.fingerprint });
  assert.equal(outcome.trusted, true);
  const written = readFileSync(knownHosts, 'utf8');
  assert.match(written, new RegExp(`^${web.ssh!.host.replace(/\./g, '\\.')} ssh-ed25519 ${labLine.split(' ')[2]!.replace(/[+/]/g, '\\$&')}\\n$`));
  await waitFor('a trusted probe', () => c.store.getState().hosts[web.id]?.last?.reach === 'ok');
});

test('a changed host key (man in the middle) is refused and trusting from the UI does not replace it', { skip }, async () => {
  const knownHosts = join(dir, 'known_hosts_wrong');
  // Another lab host's key, recorded under this host's address.
  const other = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l && !l.startsWith(web.ssh!.host + ' '))!;
  const wrong = `${web.ssh!.host} ${other.split(' ').slice(1).join(' ')}\n`;
  writeFileSync(knownHosts, wrong);
  const c = consoleWith(knownHosts);
  c.poller.start();
  const host = await waitFor('the first poll', () => c.store.getState().hosts[web.id]?.last && c.store.getState().hosts[web.id]);
  assert.equal(host.last?.reach, 'untrusted');
  assert.equal(host.last?.hostKey?.status, 'changed');
  const offered = host.last!.hostKey!;
  const outcome = await c.intents.trustHostKey(web.id, { type: offered.type, base64: offered.base64, fingerprint: offered.fingerprint });
  assert.equal(outcome.trusted, false);
  assert.equal(readFileSync(knownHosts, 'utf8'), wrong, 'known_hosts untouched');
  assert.match(c.store.getState().notice?.text ?? '', /CHANGED/);
});

test('a known key of another type (RSA known, the host offers ed25519) is a CHANGED key: refused, flagged, never trusted from the UI', { skip }, async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'remlite-rsa-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(keyDir, 'k')]);
  const rsa = readFileSync(join(keyDir, 'k.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts_rsa');
  writeFileSync(knownHosts, `${web.ssh!.host} ${rsa}\n`);
  const c = consoleWith(knownHosts);
  c.poller.start();
  const host = await waitFor('the first poll', () => c.store.getState().hosts[web.id]?.last && c.store.getState().hosts[web.id]);
  assert.equal(host.last?.reach, 'untrusted');
  assert.equal(host.last?.hostKey?.type, 'ssh-ed25519', 'the key offered is named with its type');
  assert.equal(host.last?.hostKey?.status, 'changed', 'any known key binds the host');
  assert.match(host.last?.error ?? '', /known_hosts holds its ssh-rsa key, but it now offers only ssh-ed25519/);
  assert.ok(host.findings.some((f) => f.class === 'untrusted-host-key' && f.severity === 'critical' && /CHANGED/.test(f.summary)));
  const offered = host.last!.hostKey!;
  const outcome = await c.intents.trustHostKey(web.id, { type: offered.type, base64: offered.base64, fingerprint: offered.fingerprint });
  assert.equal(outcome.trusted, false);
  assert.equal(readFileSync(knownHosts, 'utf8'), `${web.ssh!.host} ${rsa}\n`, 'known_hosts untouched');
});
