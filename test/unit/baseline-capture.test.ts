import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { capturePlan, captureScript } from '../../src/baseline/capture-script.js';
import { parseCapture } from '../../src/baseline/capture-parse.js';
import type { Machine } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';

const machine: Machine = {
  id: 'web1',
  name: 'web1',
  provider: 'datacenter',
  site: 'dc',
  pool: 'web',
  role: '',
  services: ['apache2'],
  logs: [
    { id: 'file:/var/log/apache2/error.log', kind: 'file', target: '/var/log/apache2/error.log' },
    { id: 'unit:apache2', kind: 'unit', target: 'apache2' },
  ],
  origin: 'inv:1',
  checks: {
    ...NO_CHECKS,
    configs: [{ path: '/etc/apache2/apache2.conf', service: 'apache2' }],
    dataPaths: ["/srv/data/it's $(x).db", '/srv/big.img'],
    permFiles: ['/var/log/apache2/error.log'],
    modules: ['ext4'],
    databases: [
      { engine: 'mysql', name: 'app' },
      { engine: 'mysql', name: 'bad;name' },
    ],
  },
};

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('the plan lists configs, data and permission files once (declared log files included), modules and safe databases', () => {
  const plan = capturePlan(machine);
  assert.deepEqual(
    plan.files.map((f) => [f.kind, f.path, f.content]),
    [
      ['config', '/etc/apache2/apache2.conf', true],
      ['data', "/srv/data/it's $(x).db", true],
      ['data', '/srv/big.img', true],
      ['log', '/var/log/apache2/error.log', false],
    ],
  );
  assert.equal(plan.modules, true);
  assert.deepEqual(plan.databases, ['app']);
  assert.match(plan.skipped[0] ?? '', /bad;name/);
});

test('the script quotes every path and never names a database unquoted', () => {
  const script = captureScript(capturePlan(machine));
  assert.match(script, /^cap 1 '\/srv\/data\/it'\\''s \$\(x\)\.db' 1$/m);
  assert.match(script, /^cap 3 \/var\/log\/apache2\/error\.log 0$/m);
  assert.match(script, /-e 'SHOW TABLES' app 2>&1/);
  assert.doesNotMatch(script, /bad;name/);
  assert.match(script, /-gt 8388608/);
});

test('parses stats, contents, refusals, modules and tables', () => {
  const plan = capturePlan(machine);
  const conf = Buffer.from('ServerRoot "/etc/apache2"\n');
  const data = Buffer.from([0, 255, 1, 2, 3]);
  const out = [
    '@@F 0',
    'STAT 644 root root 26 regular file',
    `SHA ${sha(conf)}`,
    '@@B',
    conf.toString('base64'),
    '@@E',
    '@@F 1',
    'STAT 640 www-data www-data 5 regular file',
    `SHA ${sha(data)}`,
    '@@B',
    data.toString('base64').slice(0, 4),
    data.toString('base64').slice(4),
    '@@E',
    '@@F 2',
    'STAT 600 root root 9999999999 regular file',
    'TOOBIG 9999999999',
    '@@F 3',
    'STAT 640 root adm 2906 regular file',
    '@@M',
    'ext4',
    'overlay',
    '@@ME',
    '@@D 0',
    'T orders',
    'T users',
    '@@END',
    '',
  ].join('\n');
  const r = parseCapture(plan, out);
  assert.equal(r.complete, true);
  const [c, d, big, log] = r.files;
  assert.deepEqual(c?.content, conf);
  assert.equal(c?.mode, '0644');
  assert.equal(c?.sha256, sha(conf));
  assert.deepEqual(d?.content, data);
  assert.deepEqual([d?.owner, d?.group, d?.problem], ['www-data', 'www-data', undefined]);
  assert.match(big?.problem ?? '', /larger than the 8 MiB/);
  assert.deepEqual([log?.mode, log?.owner, log?.group, log?.content, log?.problem], ['0640', 'root', 'adm', undefined, undefined]);
  assert.deepEqual(r.modules, ['ext4', 'overlay']);
  assert.deepEqual(r.databases, [{ name: 'app', tables: ['orders', 'users'] }]);
});

test('a symlink, or an owner or group name chown could not be given, is never accepted into the baseline', () => {
  const plan = capturePlan(machine);
  const out = [
    '@@F 0', "STAT 644 it's root 26 regular file",
    '@@F 1', 'STAT 640 root -R 5 regular file',
    '@@F 2', 'STAT 600 root root 5 regular file',
    '@@F 3', 'STAT 777 evil evil 11 symbolic link',
    '@@END', '',
  ].join('\n');
  const r = parseCapture(plan, out);
  assert.match(r.files[0]?.problem ?? '', /^owner name "it's" is not a valid user or group name: not accepted$/);
  assert.match(r.files[1]?.problem ?? '', /^group name "-R" is not a valid user or group name/);
  assert.match(r.files[3]?.problem ?? '', /is a symbolic link: remlite never follows one/);
});

test('missing files, checksum mismatch, database errors and cut output are problems, never exceptions', () => {
  const plan = capturePlan(machine);
  const out = [
    '@@F 0',
    'MISSING',
    '@@F 1',
    'STAT 640 root root 5 regular file',
    `SHA ${'0'.repeat(64)}`,
    '@@B',
    Buffer.from('hello').toString('base64'),
    '@@E',
    '@@F 2',
    'STAT 755 root root 4096 directory',
    '@@D 0',
    "X ERROR 1049 (42000): Unknown database 'app'\u001b[31m",
  ].join('\n');
  const r = parseCapture(plan, out);
  assert.equal(r.complete, false);
  assert.match(r.files[0]?.problem ?? '', /does not exist/);
  assert.match(r.files[1]?.problem ?? '', /changed while it was read/);
  assert.match(r.files[2]?.problem ?? '', /is a directory/);
  assert.match(r.files[3]?.problem ?? '', /cut short/);
  assert.equal(r.databases[0]?.tables, undefined);
  assert.equal(r.databases[0]?.error, "ERROR 1049 (42000): Unknown database 'app'");
  for (const garbage of ['', '@@B\n@@B\n', '@@F 99\nSTAT x', '@@D 7\nT x', '\u0000\u0001@@END']) assert.doesNotThrow(() => parseCapture(plan, garbage));
  assert.match(parseCapture(plan, '@@F 1\nSTAT 640 root root 5 regular file\n@@B\n!!!\n@@E\n@@END').files[1]?.problem ?? '', /not valid base64/);
});
