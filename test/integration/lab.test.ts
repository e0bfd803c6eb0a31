// The lab itself: real systemd hosts answering SSH, HTTP and MySQL on their own loopback addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLab, isLabSkip, labExec, type LabInfo } from '../support/lab.js';

const lab = await ensureLab(3);
const skip = isLabSkip(lab) ? lab.skip : false;
const info = (): LabInfo => {
  if (isLabSkip(lab)) throw new Error(lab.skip);
  return lab;
};
const webHosts = () => info().hosts.filter((h) => h.pool === 'web');
const dbHosts = () => info().hosts.filter((h) => h.pool === 'db');

function openssh(address: string, knownHosts: string, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '-F', '/dev/null',
    '-i', info().clientKeyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=5',
    `root@${address}`,
    command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function httpGet(address: string): Promise<{ status: number; server: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port: 80, path: '/', method: 'GET', timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, server: String(res.headers.server ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${address}/ timed out`)));
    req.on('error', reject);
    req.end();
  });
}

test('the lab has web hosts and a db host on distinct loopback addresses', { skip }, () => {
  const { hosts } = info();
  assert.ok(webHosts().length >= 2, 'at least two web hosts');
  assert.equal(dbHosts().length, 1, 'one db host');
  assert.equal(new Set(hosts.map((h) => h.address)).size, hosts.length);
  // Loopback only, on this lab's own prefix (REMLITE_LAB_ADDR_PREFIX, as lab.sh takes it).
  const prefix = (process.env['REMLITE_LAB_ADDR_PREFIX'] ?? '127.77.0').replace(/\./g, '\\.');
  for (const h of hosts) assert.match(h.address, new RegExp(`^${prefix}\\.\\d+$`));
  for (const h of hosts) assert.match(h.address, /^127\./);
});

test('every host answers OpenSSH with its pinned host key and has its own hostname', { skip }, async () => {
  const names: string[] = [];
  for (const h of info().hosts) {
    const r = await openssh(h.address, info().knownHostsPath, 'hostname; systemctl is-system-running');
    assert.equal(r.code, 0, `${h.name}: ${r.stderr}`);
    const [hostname, state] = r.stdout.trim().split('\n');
    assert.equal(hostname, h.name);
    assert.ok(state === 'running' || state === 'degraded', `${h.name} is ${state}`);
    names.push(hostname ?? '');
  }
  assert.equal(new Set(names).size, names.length, 'hostnames differ');
});

test('a host whose key is not in known_hosts is refused', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-lab-kh-'));
  const empty = join(dir, 'known_hosts');
  writeFileSync(empty, '');
  const host = info().hosts[0];
  assert.ok(host);
  try {
    const r = await openssh(host.address, empty, 'true');
    assert.equal(r.code, 255);
    assert.match(r.stderr, /Host key verification failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each web host runs apache2 and answers HTTP on its own address', { skip }, async () => {
  for (const h of webHosts()) {
    const active = await labExec(h.name, 'systemctl is-active apache2');
    assert.equal(active.stdout.trim(), 'active', `${h.name}: ${active.stderr}`);
    const res = await httpGet(h.address);
    assert.equal(res.status, 200);
    assert.match(res.server, /Apache/);
  }
});

test('the db host runs mariadb (and not apache2)', { skip }, async () => {
  for (const h of dbHosts()) {
    const q = await labExec(h.name, "mysql -N -B -e 'select 40+2'");
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stdout.trim(), '42');
    const apache = await labExec(h.name, 'systemctl is-active apache2');
    assert.notEqual(apache.stdout.trim(), 'active');
  }
});

test('labExec runs inside the host: its own hostname and a 16 MiB /srv/data', { skip }, async () => {
  const h = info().hosts[0];
  assert.ok(h);
  const r = await labExec(h.name, 'hostname; df -k --output=fstype,size /srv/data | tail -1; echo "exit with" >&2; exit 7');
  assert.equal(r.code, 7);
  const [hostname, df] = r.stdout.trim().split('\n');
  assert.equal(hostname, h.name);
  assert.match(df ?? '', /^tmpfs\s+16384$/);
  assert.match(r.stderr, /exit with/);
});
