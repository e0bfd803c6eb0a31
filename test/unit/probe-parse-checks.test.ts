import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CHECKS, type HostProbe } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { runLocalProbe } from '../../src/probe/run-local.js';

function expectOk(text: string): HostProbe {
  const r = parseProbeOutput(text);
  if (!r.ok) assert.fail(`expected ok, got: ${r.error}`);
  return r.probe;
}

const CORE = [
  '@@remlite meta', 'hostname=web1', 'epoch=1700000000', 'kernel=6.1.0', 'cpus=2', 'init=systemd',
  '@@remlite uptime', '1000.00 2000.00',
  '@@remlite loadavg', '0.10 0.20 0.30 1/100 42',
  '@@remlite meminfo', 'MemTotal: 1000 kB', 'MemAvailable: 500 kB',
];

function text(sections: Record<string, string[]>, warnings: string[] = []): string {
  const body = Object.entries(sections).flatMap(([name, lines]) => [`@@remlite ${name}`, ...lines]);
  return [...CORE, ...body, '@@remlite warnings', ...warnings, '@@remlite end', ''].join('\n');
}

const SHA = 'c'.repeat(64);

test('files: present, missing, odd fields and stray lines', () => {
  const p = expectOk(text({
    files: [
      `1 file 640 www-data adm 1234 ${SHA} /etc/app.conf`,
      '1 dir 2755 root root 4096 - /var/log/my dir',
      '0 - - - - - - /srv/gone.db',
      '1 file - - - - - /srv/unstatable',
      '1 weird 9z9 root root -5 NOTASHA /srv/odd',
      'garbage line',
    ],
  }));
  assert.deepEqual(p.files, [
    { path: '/etc/app.conf', exists: true, kind: 'file', mode: '0640', owner: 'www-data', group: 'adm', size: 1234, sha256: SHA },
    { path: '/var/log/my dir', exists: true, kind: 'dir', mode: '2755', owner: 'root', group: 'root', size: 4096 },
    { path: '/srv/gone.db', exists: false },
    { path: '/srv/unstatable', exists: true, kind: 'file' },
    { path: '/srv/odd', exists: true, owner: 'root', group: 'root' },
  ]);
  assert.ok(p.warnings.includes('files: unexpected line: garbage line'));
});

test('files: a symlink (with its target), a file that exists but failed with an errno, and orphan detail lines', () => {
  const p = expectOk(text({
    files: [
      '+ error Input/output error',
      '1 link 777 evil evil 11 - /var/log/app.log',
      '+ target /etc/shadow',
      `1 file 640 root root 10 - /srv/data/app.db`,
      '+ error Input/output error',
      '1 - - - - - - /srv/data/gone?.db',
      '+ error Bad message',
      '1 file 644 root root 3 - /etc/odd.conf',
      '+ error Some new\u001b[2J failure',
      '0 - - - - - - /srv/missing',
      '+ target /nowhere',
    ],
  }));
  assert.deepEqual(p.files, [
    { path: '/var/log/app.log', exists: true, kind: 'link', mode: '0777', owner: 'evil', group: 'evil', size: 11, linkTarget: '/etc/shadow' },
    { path: '/srv/data/app.db', exists: true, kind: 'file', mode: '0640', owner: 'root', group: 'root', size: 10, unreadable: 'EIO (Input/output error)' },
    { path: '/srv/data/gone?.db', exists: true, unreadable: 'EBADMSG (Bad message)' },
    { path: '/etc/odd.conf', exists: true, kind: 'file', mode: '0644', owner: 'root', group: 'root', size: 3, unreadable: 'Some new failure' },
    { path: '/srv/missing', exists: false },
  ]);
  assert.ok(p.warnings.includes('files: detail without an existing file: + error Input/output error'));
  assert.ok(p.warnings.includes('files: detail without an existing file: + target /nowhere'));
});

test('configtests: exit codes, a timeout, skipped tests and orphan output lines', () => {
  const p = expectOk(text({
    configtests: [
      '| orphan',
      'T 0 apache2 apachectl configtest',
      '| Syntax OK',
      'T 1 sshd sshd -t',
      '| /etc/ssh/sshd_config line 3: Bad configuration option: Bogus',
      'T 124 nginx nginx -t',
      'S haproxy haproxy is not installed',
    ],
  }));
  assert.deepEqual(p.configTests, [
    { service: 'apache2', command: 'apachectl configtest', ok: true, output: 'Syntax OK' },
    { service: 'sshd', command: 'sshd -t', ok: false, output: '/etc/ssh/sshd_config line 3: Bad configuration option: Bogus\nexit status 1' },
    { service: 'nginx', command: 'nginx -t', ok: false, output: 'timed out after 10 s' },
  ]);
  assert.ok(p.warnings.includes('configtests: output line without a header: | orphan'));
  assert.ok(p.warnings.includes('config test for haproxy skipped: haproxy is not installed'));
});

test('modules: loaded and builtin count as present, missing does not', () => {
  const p = expectOk(text({ modules: ['loaded ext4', 'builtin overlay', 'missing dm_mod', 'loaded bad;name'] }));
  assert.deepEqual(p.modules, ['ext4', 'overlay']);
  assert.ok(p.warnings.includes('modules: unexpected line: loaded bad;name'));
});

test('modules: unknown (built-ins not readable) is neither present nor missing', () => {
  const p = expectOk(text({ modules: ['builtin overlay', 'unknown ext4', 'missing dm_mod'] }));
  assert.deepEqual(p.modules, ['overlay']);
  assert.deepEqual(p.modulesUnknown, ['ext4']);
  assert.deepEqual(p.warnings, []);
  const known = expectOk(text({ modules: ['loaded ext4'] }));
  assert.equal(known.modulesUnknown, undefined);
});

test('databases: tables, an absent schema, an unreachable server and an odd answer', () => {
  const p = expectOk(text({
    databases: [
      'D ok app', '| 1', '| orders', '| users',
      'D ok gone', '| 0',
      'D error down',
      '| mysql: Deprecated program name',
      "| ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)",
      'D ok odd', '| orders',
    ],
  }));
  assert.deepEqual(p.databases, [
    { name: 'app', ok: true, tables: ['orders', 'users'] },
    { name: 'gone', ok: true, tables: [], error: 'database does not exist' },
    { name: 'down', ok: false, tables: [], error: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)" },
    { name: 'odd', ok: false, tables: [], error: 'unexpected answer from mysql' },
  ]);
});

test('fserrors: non-zero counters only', () => {
  const p = expectOk(text({ fserrors: ['vda 3', 'vdb 0', 'bad line here'] }));
  assert.deepEqual(p.fsErrors, [{ device: 'vda', count: 3 }]);
});

test('sections absent: the optional fields stay undefined (older probe scripts)', () => {
  const p = expectOk(text({}));
  for (const k of ['files', 'configTests', 'modules', 'databases', 'fsErrors'] as const) assert.equal(p[k], undefined, k);
});

test('remote text in check sections is sanitized', () => {
  const esc = '\u001b]52;c;ZXZpbA==\u0007\u001b[2J';
  const p = expectOk(text({
    files: [`1 file 644 ro${esc}ot root 1 - /etc/a${esc}.conf`],
    configtests: [`T 1 x cmd${esc}`, `| bad${esc} output`],
    databases: ['D ok app', '| 1', `| tab${esc}le`],
  }));
  const all = JSON.stringify([p.files, p.configTests, p.databases]);
  assert.ok(!all.includes('\\u001b') && !all.includes('\\u0007'), all);
  assert.equal(p.files![0]!.path, '/etc/a.conf');
  assert.equal(p.configTests![0]!.output, 'bad output\nexit status 1');
  assert.deepEqual(p.databases![0]!.tables, ['table']);
});

// ---- fuzz --------------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function assertValid(input: string, label: string): void {
  const r = parseProbeOutput(input);
  if (!r.ok) {
    assert.doesNotMatch(r.error, /unparseable/, `${label}: parser threw internally`);
    return;
  }
  const p = r.probe;
  for (const f of p.files ?? []) {
    assert.equal(typeof f.path, 'string', label);
    assert.equal(typeof f.exists, 'boolean', label);
    if (f.mode !== undefined) assert.match(f.mode, /^[0-7]{4}$/, label);
    if (f.size !== undefined) assert.ok(Number.isSafeInteger(f.size) && f.size >= 0, label);
    if (f.sha256 !== undefined) assert.match(f.sha256, /^[0-9a-f]{64}$/, label);
    for (const t of [f.linkTarget, f.unreadable]) if (t !== undefined) assert.ok(typeof t === 'string' && !/[\u0000-\u001f\u007f-\u009f]/.test(t), `${label}: control characters in file details`);
    if (f.linkTarget !== undefined || f.unreadable !== undefined) assert.equal(f.exists, true, label);
  }
  for (const t of p.configTests ?? []) {
    assert.equal(typeof t.ok, 'boolean', label);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(t.output), `${label}: control characters in output`);
  }
  for (const d of p.databases ?? []) assert.ok(Array.isArray(d.tables) && typeof d.ok === 'boolean', label);
  for (const e of p.fsErrors ?? []) assert.ok(Number.isSafeInteger(e.count) && e.count > 0, label);
  for (const m of p.modules ?? []) assert.match(m, /^[A-Za-z0-9_-]+$/, label);
}

test('fuzz: line soups of check sections never break the parser', () => {
  const next = rng(4242);
  const pieces = [
    '@@remlite files', '@@remlite configtests', '@@remlite modules', '@@remlite databases', '@@remlite fserrors',
    '1 file 644 root root 10 ', SHA, ' /x', '0 - - - - - - /y', '1 link 777 u g 1 - /l', '+ target ', '+ error ', 'Input/output error', 'T 1 s c', 'T 124 s', 'S s r', '| ', 'D ok db', 'D error db',
    'loaded m', 'missing m', 'vda 99999999999999999', '\n', ' ', '\u0000', '\u001b[', '-', '/',
  ];
  for (let i = 0; i < 2000; i++) {
    const soup = Array.from({ length: Math.floor(next() * 50) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    assertValid([...CORE, soup, '@@remlite end', ''].join('\n'), `soup #${i}`);
  }
});

test('fuzz: mutating lines of a real run with every check section never breaks the parser', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-fuzzchk-'));
  try {
    writeFileSync(join(dir, 'a.conf'), 'a\n');
    const run = await runLocalProbe(['ssh'], 60_000, {
      ...NO_CHECKS,
      configs: [{ path: join(dir, 'a.conf'), service: 'x', test: 'echo one; echo two; exit 1' }],
      permFiles: [dir],
      dataPaths: [join(dir, 'nope')],
      modules: ['remlite_none'],
      databases: [{ engine: 'mysql', name: 'app' }],
    });
    const real = run.stdout;
    for (const s of ['files', 'configtests', 'modules', 'databases', 'fserrors']) assert.ok(real.includes(`@@remlite ${s}\n`), s);
    const lines = real.split('\n');
    const next = rng(99);
    for (let i = 0; i < 2000; i++) {
      const copy = [...lines];
      const at = Math.floor(next() * copy.length);
      const op = Math.floor(next() * 4);
      if (op === 0) copy.splice(at, 1);
      else if (op === 1) copy.splice(at, 0, copy[at] ?? '');
      else if (op === 2) copy[at] = (copy[at] ?? '').replace(/[\d ]/g, () => String.fromCharCode(Math.floor(next() * 160)));
      else copy[at] = (copy[at] ?? '').slice(0, Math.floor(next() * (copy[at] ?? '').length));
      assertValid(copy.join('\n'), `mutation #${i} op ${op} at ${at}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
