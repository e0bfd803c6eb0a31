// The real CLI binary, headless: status on the embedded default (this machine), and a broken
// inventory stopping with file, line and reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { answered } from '../support/lab-console.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

function remlite(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-cli-'));
  const env = { ...process.env, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir };
  return { dir, ...spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env, timeout: 60_000 }) };
}

test('status --json probes this machine with no configuration at all', () => {
  const r = remlite(['status', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { hosts: { id: string; name: string; provider: string; reach: string; probe?: { hostname: string; volumes: { mount: string }[] } }[] };
  assert.equal(out.hosts.length, 1);
  const local = out.hosts[0]!;
  assert.equal(local.provider, 'local');
  assert.ok(answered(local.reach), `reach ${local.reach}`);
  assert.equal(local.probe?.hostname, hostname());
  assert.ok(local.probe!.volumes.length > 0);
});

test('status prints a plain table with a header and this machine', () => {
  const r = remlite(['status']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^NAME\s+PROVIDER\s+SITE\s+POOL\s+STATE/);
  // Answered: ok, or the verdict of its findings (a loaded CI machine's load average warns).
  const mine = lines.find((l) => l.startsWith(hostname() + ' ') && /\blocal\b/.test(l));
  assert.ok(mine, r.stdout);
  assert.match(mine.split(/ {2,}/)[4] ?? '', /^(ok|slow|warning|critical)$/, r.stdout);
  assert.ok(!r.stdout.includes('\u001b'), 'no escape sequences in plain output');
});

test('a malformed inventory stops with its file, line and reason, and exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-inv-'));
  const inv = join(dir, 'inventory.yaml');
  writeFileSync(inv, 'hosts:\n  - name: web1\n    address: 10.0.0.1\n    prot: 22\n');
  const r = remlite(['status', '--inventory', inv]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`${inv.replace(/[.]/g, '\\.')}:4:\\d+: .*prot`));
  assert.match(r.stderr, /port/, 'suggests the key it probably meant');
});

test('usage errors exit 2 and print the usage', () => {
  const r = remlite(['--frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Usage:/);
});

test('the console refuses to start without a terminal and points to status', () => {
  const r = remlite(['--no-ssh-config']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /status --json/);
});

test('repair plans from its own probe: on this machine, which has no systemd, a restart is planned with service(8)', (t) => {
  if (spawnSync('/bin/sh', ['-c', '[ -d /run/systemd/system ]']).status === 0) {
    t.skip('this machine runs systemd; the sysvinit plan is covered by the planner unit test');
    return;
  }
  // Without --yes and without a terminal the plan is printed and nothing runs.
  const r = remlite(['repair', hostname(), 'service.restart', 'service=cron', '--no-ssh-config']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /^command: (sudo -n -- sh -c ')?service cron restart'?$/m, 'planned from the probe (init=sysvinit), not systemctl');
  assert.match(r.stderr, /add --yes/);
});
