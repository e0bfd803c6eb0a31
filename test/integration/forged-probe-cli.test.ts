// A host that lies in its probe: real OpenSSH servers whose session command (ForceCommand) prints
// forged probe output full of escape sequences, C1 controls and bidi overrides, or garbage with a
// hostile stderr. `remlite status --json`, `status` and `check` go through the real SSH pool, parser,
// detectors and formatters: no raw ESC, C1 or bidi character reaches stdout, a visible `<U+202E>`
// does, and service names that are not names are dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';

const skip = sshdUnavailableReason() ?? false;
const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const ESC = '\u001b';
const CSI8 = '\u009b'; // the 8-bit CSI, encoded in UTF-8 (C2 9B)
const RLO = '\u202e';
/** What must never reach a terminal raw: C0 but tab/newline, DEL, C1, bidi controls, invisible characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

const FORGED = [
  '@@remlite meta',
  `hostname=evil${ESC}]0;pwned${ESC}\\${CSI8}2Jgnp${RLO}exe.host\u200b`,
  `epoch=${Math.floor(Date.now() / 1000)}`,
  `kernel=6.1${ESC}[31m`,
  'cpus=2',
  'init=systemd',
  '@@remlite uptime',
  '1000.50 3000.00',
  '@@remlite loadavg',
  '0.10 0.20 0.30 1/100 123',
  '@@remlite meminfo',
  'MemTotal:        4000000 kB',
  'MemAvailable:    2000000 kB',
  'SwapTotal:       0 kB',
  'SwapFree:        0 kB',
  '@@remlite mounts',
  '/dev/sda1 / ext4 rw',
  `/dev/sdb1 /srv/d${RLO}ata xfs rw`,
  '@@remlite df',
  'Filesystem     1024-blocks    Used Available Capacity Mounted on',
  '/dev/sda1         10000000 1000000   9000000      10% /',
  `/dev/sdb1             1000      10       990       1% /srv/d${RLO}ata`,
  '@@remlite expected',
  'apache2',
  '@@remlite systemd',
  'Id=apache2.service',
  'LoadState=loaded',
  'ActiveState=failed',
  'SubState=failed',
  `Description=The Apache ${ESC}]52;c;ZXZpbA==${ESC}\\HTTP${CSI8}2J Server ${RLO}lmth.`,
  '',
  `Id=web${RLO}1.service`,
  'LoadState=loaded',
  'ActiveState=active',
  'SubState=running',
  '',
  'Id=-oProxyCommand=x.service',
  'LoadState=loaded',
  'ActiveState=active',
  'SubState=running',
  '@@remlite warnings',
  `a warning ${ESC}[2J${ESC}[H with ${CSI8}31m colour and ${RLO}bidi`,
  '@@remlite end',
  '',
].join('\n');

let liar: PlainSshd;
let garbled: PlainSshd;
let dir = '';
let inventory = '';

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'remlite-forged-'));
  writeFileSync(join(dir, 'probe.txt'), FORGED);
  // The probe script arrives on stdin: read it, ignore it, answer with the forged text.
  writeFileSync(join(dir, 'liar.sh'), `#!/bin/sh\ncat >/dev/null\ncat ${join(dir, 'probe.txt')}\n`, { mode: 0o755 });
  // Garbage without an end marker, and a stderr that would clear the screen and flip the text.
  writeFileSync(join(dir, 'garbled.sh'), `#!/bin/sh\ncat >/dev/null\nprintf 'no probe here\\n'\nprintf 'oops \\033[2J\\033[H\\302\\2332J \\342\\200\\256evil\\nsecond line \\033]0;t\\007\\n' >&2\nexit 3\n`, { mode: 0o755 });
  liar = await startSshd({ address: '127.78.12.1', extraConfig: [`ForceCommand ${join(dir, 'liar.sh')}`] });
  garbled = await startSshd({ address: '127.78.12.2', extraConfig: [`ForceCommand ${join(dir, 'garbled.sh')}`] });
  const host = (name: string, s: PlainSshd) => ({ name, address: s.address, port: s.port, user: 'root', key: s.clientKeyPath, known_hosts: s.knownHostsPath, pool: 'forged', services: ['apache2'] });
  inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, stringify({ hosts: [host('liar', liar), host('garbled', garbled)] }));
});

after(async () => {
  await liar?.stop();
  await garbled?.stop();
});

function remlite(args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args, '--inventory', inventory, '--no-local', '--no-ssh-config'], {
    encoding: 'utf8',
    timeout: 90_000,
    input: '',
    env: { ...process.env, HOME: dir, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config') },
  });
}

/** Every string in a parsed JSON value (keys too), as `jq -r` would print them. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

test('status --json: forged probe text and a hostile stderr come out inert, with bidi made visible', { skip }, () => {
  const r = remlite(['status', '--json']);
  assert.equal(r.status, 1, 'the garbled host is not ok: ' + r.stderr);
  assert.ok(!FORBIDDEN.test(r.stdout), 'no raw control or bidi character in the JSON text');
  const out = JSON.parse(r.stdout) as { hosts: { name: string; reach: string; error?: string; probe?: { hostname: string; services: { name: string; description?: string }[]; volumes: { mount: string }[] } }[] };
  for (const s of strings(out)) assert.ok(!FORBIDDEN.test(s), `jq -r would print ${JSON.stringify(s)}`);

  const l = out.hosts.find((h) => h.name === 'liar')!;
  // Answered ('slow' on a loaded machine: its ForceCommand runs through a login shell).
  assert.ok(l.reach === 'ok' || l.reach === 'slow', l.reach);
  assert.equal(l.probe!.hostname, 'evilgnp<U+202E>exe.host<U+200B>', 'the name cannot pass for another: the override is shown');
  assert.deepEqual(l.probe!.services.map((s) => s.name), ['apache2'], 'units whose names are not names are dropped');
  assert.equal(l.probe!.services[0]!.description, 'The Apache HTTP Server <U+202E>lmth.');
  assert.ok(l.probe!.volumes.some((v) => v.mount === '/srv/d<U+202E>ata'));

  const g = out.hosts.find((h) => h.name === 'garbled')!;
  assert.equal(g.reach, 'unreadable');
  assert.match(g.error!, /no end marker.*stderr: oops .*<U\+202E>evil \/ second line/);
});

test('status and check print the same hosts as plain text, inert', { skip }, () => {
  const table = remlite(['status']);
  assert.ok(!FORBIDDEN.test(table.stdout + table.stderr), JSON.stringify(table.stdout));
  assert.match(table.stdout, /liar/);
  const check = remlite(['check']);
  assert.equal(check.status, 2, check.stdout + check.stderr);
  assert.ok(!FORBIDDEN.test(check.stdout + check.stderr), JSON.stringify(check.stdout));
  assert.match(check.stdout, /CRITICAL liar: service apache2 is failed/);
});
