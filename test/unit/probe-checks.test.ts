import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CHECKS, type HostChecks, type HostProbe } from '../../src/model/index.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { runLocalProbe } from '../../src/probe/run-local.js';
import { plannedConfigTests } from '../../src/probe/config-tests.js';
import { busyboxRootUnavailable, makeBusyboxRoot, which } from '../support/busybox-root.js';


function expectOk(text: string): HostProbe {
  const r = parseProbeOutput(text);
  if (!r.ok) assert.fail(`expected ok, got: ${r.error}`);
  return r.probe;
}

function checks(extra: Partial<HostChecks>): HostChecks {
  return { ...NO_CHECKS, ...extra };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function userName(uid: number): string {
  const r = spawnSync('id', ['-nu', String(uid)], { encoding: 'utf8' });
  return r.stdout.trim();
}

function groupName(gid: number): string {
  const r = spawnSync('getent', ['group', String(gid)], { encoding: 'utf8' });
  return r.stdout.split(':')[0] ?? '';
}

test('a real run over declared files in a temp dir matches fs.statSync and sha256', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-probechk-'));
  try {
    const conf = join(dir, 'app.conf');
    const good = join(dir, 'good.conf');
    const data = join(dir, 'data with space.db');
    const log = join(dir, 'app.log');
    const missing = join(dir, 'missing.db');
    writeFileSync(conf, 'listen 80\n');
    writeFileSync(good, 'ok\n');
    writeFileSync(data, Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)));
    writeFileSync(log, 'line\n');
    chmodSync(conf, 0o640);
    chmodSync(log, 0o600);
    const declared = checks({
      configs: [
        { path: conf, service: 'remlite-fake', test: "sh -c 'exit 1'" },
        { path: good, service: 'remlite-good', test: 'echo all fine; echo second line' },
      ],
      dataPaths: [data, missing],
      permFiles: [log, dir],
    });
    const run = await runLocalProbe([], 60_000, declared);
    assert.equal(run.code, 0, run.stderr);
    const p = expectOk(run.stdout);
    assert.deepEqual(p.files!.map((f) => f.path), [conf, good, data, missing, log, dir]);
    for (const [path, hashed] of [[conf, true], [good, true], [data, true], [log, false], [dir, false]] as const) {
      const f = p.files!.find((x) => x.path === path)!;
      const st = statSync(path);
      assert.equal(f.exists, true, path);
      assert.equal(f.kind, st.isDirectory() ? 'dir' : 'file', path);
      assert.equal(f.mode, (st.mode & 0o7777).toString(8).padStart(4, '0'), path);
      assert.equal(f.size, st.size, path);
      assert.equal(f.owner, userName(st.uid), path);
      assert.equal(f.group, groupName(st.gid), path);
      assert.equal(f.sha256, hashed ? sha256(path) : undefined, `${path}: checksum only for configs and data files`);
    }
    assert.deepEqual(p.files!.find((f) => f.path === missing), { path: missing, exists: false });
    assert.deepEqual(p.configTests, [
      { service: 'remlite-fake', command: "sh -c 'exit 1'", ok: false, output: 'exit status 1' },
      { service: 'remlite-good', command: 'echo all fine; echo second line', ok: true, output: 'all fine\nsecond line' },
    ]);
    assert.deepEqual(p.fsErrors, []);
    assert.equal(p.modules, undefined, 'no modules declared: no modules section');
    assert.equal(p.databases, undefined, 'no databases declared: no databases section');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real run never follows a declared path that is a symlink: kind link, its target, the link\'s own owner, no checksum', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-probelink-'));
  try {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'root only\n');
    chmodSync(secret, 0o600);
    const data = join(dir, 'app.db');
    const log = join(dir, 'app.log');
    const dangling = join(dir, 'gone.conf');
    symlinkSync(secret, data);
    symlinkSync(secret, log);
    symlinkSync(join(dir, "no such\nfile"), dangling);
    const run = await runLocalProbe([], 60_000, checks({ configs: [{ path: dangling }], dataPaths: [data], permFiles: [log] }));
    assert.equal(run.code, 0, run.stderr);
    const p = expectOk(run.stdout);
    const me = userName(process.getuid?.() ?? 0);
    for (const [path, target] of [[data, secret], [log, secret], [dangling, join(dir, 'no such')]] as const) {
      const f = p.files!.find((x) => x.path === path)!;
      assert.equal(f.exists, true, path);
      assert.equal(f.kind, 'link', path);
      assert.equal(f.linkTarget, target, path);
      assert.equal(f.owner, me, path);
      assert.equal(f.sha256, undefined, `${path}: the target is never read`);
      assert.equal(f.mode, '0777', `${path}: the link's own mode, not the target's 0600`);
    }
    assert.ok(!p.warnings.some((w) => w.startsWith('files:')), p.warnings.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config test output keeps the last 5 lines and cannot forge a section marker', async () => {
  const cmd = 'for i in 1 2 3 4 5 6 7; do echo line$i; done; echo "@@remlite end"; printf "\\033[31mred\\033[0m\\n"; exit 2';
  const run = await runLocalProbe([], 60_000, checks({ configs: [{ path: '/nonexistent/x.conf', service: 'x', test: cmd }] }));
  const p = expectOk(run.stdout);
  assert.deepEqual(p.configTests, [{ service: 'x', command: cmd, ok: false, output: 'line5\nline6\nline7\n@@remlite end\nred\nexit status 2' }]);
  assert.ok(p.services.length === 0 || p.init !== 'unknown');
});

test('modules: a surely absent module is missing, loaded ones (if any) are found', async () => {
  const loaded = existsSync('/proc/modules')
    ? readFileSync('/proc/modules', 'utf8').split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).slice(0, 2)
    : [];
  const run = await runLocalProbe([], 60_000, checks({ modules: [...loaded, 'remlite_no_such_module', 'remlite-other-one'] }));
  const p = expectOk(run.stdout);
  assert.deepEqual(p.modules, loaded);
});

test('databases: without a reachable server the error is recorded, the poll still parses', async () => {
  const run = await runLocalProbe([], 60_000, checks({ databases: [{ engine: 'mysql', name: 'remlite_nodb' }] }));
  const p = expectOk(run.stdout);
  assert.equal(p.databases?.length, 1);
  const db = p.databases![0]!;
  assert.equal(db.name, 'remlite_nodb');
  if (!which('mysql') && !which('mariadb')) assert.deepEqual(db, { name: 'remlite_nodb', ok: false, tables: [], error: 'mysql client is not installed' });
  else assert.ok(db.ok || (db.error ?? '').length > 0);
});

test('hostile declared values are never executed: quoted paths, dropped names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-canary-'));
  const canary = join(dir, 'x');
  try {
    const hostile = checks({
      configs: [
        { path: `/tmp/$(touch ${canary})`, service: 'ok-svc', test: 'true' },
        { path: `/tmp/\`touch ${canary}\``, service: `x;touch ${canary}`, test: 'true' },
        { path: `/tmp/a'; touch ${canary}; '` },
        { path: `/tmp/nl\ntouch ${canary}` },
      ],
      dataPaths: [`relative/$(touch ${canary})`],
      permFiles: [`/tmp/"$(touch ${canary})"`],
      modules: [`ext4;touch ${canary}`, '$(id)'],
      databases: [{ engine: 'mysql', name: `x'; touch ${canary}; '` }],
    });
    const script = buildProbeScript(['sshd'], hostile);
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(canary), false, 'canary file was created');
    const p = expectOk(r.stdout);
    assert.deepEqual(p.files!.map((f) => f.path), [
      `/tmp/$(touch ${canary})`,
      `/tmp/\`touch ${canary}\``,
      `/tmp/a'; touch ${canary}; '`,
      `/tmp/"$(touch ${canary})"`,
    ]);
    assert.ok(p.files!.every((f) => !f.exists));
    assert.deepEqual(p.configTests?.map((t) => t.service), ['ok-svc'], 'the unsafe service name is not tested');
    assert.equal(p.modules, undefined, 'every module name was unsafe');
    assert.equal(p.databases, undefined, 'the database name was unsafe');
    assert.ok(p.warnings.includes('dropped 5 declared path(s) or name(s) that are not safe to probe'), p.warnings.join('|'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the script with checks is valid sh and runs under every shell here', () => {
  const declared = checks({
    configs: [{ path: '/etc/hostname', service: 'ssh' }, { path: '/etc/passwd', service: 'x', test: 'true' }],
    permFiles: ['/etc/passwd'],
    dataPaths: ['/etc/hostname'],
    modules: ['remlite_none'],
    databases: [{ engine: 'mysql', name: 'mysql' }],
    cleanupPaths: ['/tmp'],
  });
  const script = buildProbeScript(['ssh'], declared);
  assert.equal(spawnSync('/bin/sh', ['-n'], { input: script }).status, 0);
  const shells: string[][] = [['/bin/sh']];
  for (const [cmd, ...args] of [['dash'], ['bash', '--posix'], ['busybox', 'sh']] as const) {
    const path = which(cmd);
    if (path) shells.push([path, ...args]);
  }
  const outputs = shells.map((shell) => {
    const r = spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${shell.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '', `${shell.join(' ')} wrote to stderr`);
    const p = expectOk(r.stdout);
    assert.equal(p.files?.length, 2, shell.join(' '));
    assert.equal(p.configTests?.find((t) => t.service === 'x')?.ok, true, shell.join(' '));
    assert.deepEqual(p.modules, [], shell.join(' '));
    return JSON.stringify(p.files);
  });
  assert.equal(new Set(outputs).size, 1, 'every shell reports the same files');
});

test('the old one-argument call prints no check sections but fserrors', () => {
  const script = buildProbeScript(['ssh']);
  assert.equal(script, buildProbeScript(['ssh'], NO_CHECKS));
  for (const s of ['files', 'configtests', 'modules', 'databases']) assert.ok(!script.includes(`section ${s}\n`), s);
  assert.ok(script.includes('section fserrors\n'));
});

test('default config tests: known services get theirs, explicit tests win, duplicates run once', () => {
  assert.deepEqual(
    plannedConfigTests([
      { path: '/etc/apache2/apache2.conf', service: 'apache2' },
      { path: '/etc/apache2/ports.conf', service: 'apache2' },
      { path: '/etc/ssh/sshd_config', service: 'ssh.service' },
      { path: '/etc/nginx/nginx.conf', service: 'nginx', test: 'nginx -t -q' },
      { path: '/etc/mysql/my.cnf', service: 'mariadb' },
      { path: '/etc/foo.conf', service: 'foo' },
      { path: '/etc/plain.conf' },
      { path: '/etc/bad.conf', service: 'bad', test: 'a\nb' },
    ]),
    [
      { service: 'apache2', command: 'apachectl configtest', program: 'apachectl' },
      { service: 'ssh.service', command: 'sshd -t', program: 'sshd', prepare: 'test -d /run/sshd || mkdir -m 0755 /run/sshd' },
      { service: 'nginx', command: 'nginx -t -q' },
      { service: 'mariadb', command: 'my_print_defaults --mysqld', program: 'my_print_defaults' },
    ],
  );
});


test('in a root without stat, sha256sum, timeout and mysql the check sections degrade with warnings', (t) => {
  const unavailable = busyboxRootUnavailable();
  if (unavailable) {
    t.skip(unavailable);
    return;
  }
  const unshare = which('unshare')!;
  const root = makeBusyboxRoot(['sh', 'df', 'uname', 'date', 'cat'], 'remlite-bbchk-');
  try {
    writeFileSync(join(root, 'etc/app.conf'), 'x=1\n');
    const declared = checks({
      configs: [{ path: '/etc/app.conf', service: 'app', test: 'true' }],
      modules: ['remlite_none'],
      databases: [{ engine: 'mysql', name: 'app' }],
    });
    writeFileSync(join(root, 'probe.sh'), buildProbeScript([], declared));
    const inner = 'mount --rbind /proc "$1/proc" && mount --rbind /dev "$1/dev" && exec chroot "$1" /bin/sh /probe.sh';
    const r = spawnSync(unshare, ['--mount', '--propagation', 'private', '--fork', '/bin/sh', '-c', inner, 'sh', root], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const p = expectOk(r.stdout);
    assert.deepEqual(p.files, [{ path: '/etc/app.conf', exists: true, kind: 'file' }]);
    assert.deepEqual(p.configTests, []);
    assert.deepEqual(p.databases, [{ name: 'app', ok: false, tables: [], error: 'mysql client is not installed' }]);
    assert.deepEqual(p.modules, []);
    for (const w of [
      'stat missing: file modes and owners not reported',
      'sha256sum missing: file checksums not reported',
      'config test for app skipped: timeout is missing: config test not run',
    ]) {
      assert.ok(p.warnings.includes(w), `${w} in ${p.warnings.join('|')}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('hostname of a real run is still this machine (check sections do not disturb the core)', async () => {
  const run = await runLocalProbe(['ssh'], 60_000, checks({ permFiles: ['/etc/hostname'] }));
  assert.equal(expectOk(run.stdout).hostname, os.hostname());
});
