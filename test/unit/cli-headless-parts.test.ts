import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { parseParams } from '../../src/cli/run-repair.js';
import { pickSource } from '../../src/cli/run-logs.js';
import { completionScript } from '../../src/cli/completion.js';
import { recentCommand } from '../../src/logs/log-command.js';

test('repair, logs and completion arguments', () => {
  const r = parseCliArgs(['repair', 'web1', 'service.restart', 'service=apache2', '--yes']);
  assert.deepEqual([r.command, r.operands, r.yes], ['repair', ['web1', 'service.restart', 'service=apache2'], true]);
  const l = parseCliArgs(['logs', 'web1', 'nginx', '-f', '-n', '10']);
  assert.deepEqual([l.command, l.operands, l.follow, l.lines], ['logs', ['web1', 'nginx'], true, 10]);
  assert.throws(() => parseCliArgs(['repair', 'web1']), /missing arguments/);
  assert.throws(() => parseCliArgs(['logs', 'a', 'b', 'c']), /unexpected argument "c"/);
  assert.throws(() => parseCliArgs(['completion', 'fish']), /not bash or zsh/);
  assert.throws(() => parseCliArgs(['logs', 'a', '-n', 'many']), UsageError);
});

test('key=value params, with values that contain = and hostile text kept verbatim', () => {
  assert.deepEqual(parseParams(['service=apache2', 'path=/a=b', 'x=$(id)']), { service: 'apache2', path: '/a=b', x: '$(id)' });
  assert.throws(() => parseParams(['apache2']), /not key=value/);
  assert.throws(() => parseParams(['=x']), /not key=value/);
});

test('log source: absolute path = file, else unit, default the first', () => {
  const logs = [{ id: 'unit:apache2', kind: 'unit' as const, target: 'apache2' }];
  assert.deepEqual(pickSource(logs, undefined), logs[0]);
  assert.deepEqual(pickSource(logs, '/var/log/x.log'), { id: 'file:/var/log/x.log', kind: 'file', target: '/var/log/x.log' });
  assert.deepEqual(pickSource([], 'nginx'), { id: 'unit:nginx', kind: 'unit', target: 'nginx' });
});

test('recent lines of a file: tail -n N -- path, quoted; a real shell prints exactly the last lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-recent-'));
  const f = join(dir, "it's.log");
  writeFileSync(f, 'a\nb\nc\n');
  const out = execFileSync('/bin/sh', ['-c', recentCommand({ id: 'x', kind: 'file', target: f }, 2)], { encoding: 'utf8' });
  assert.equal(out, 'b\nc\n');
});

test('completion scripts are valid bash and zsh syntax and list every command', () => {
  const bash = completionScript('bash');
  assert.equal(spawnSync('bash', ['-n'], { input: bash }).status, 0);
  for (const c of ['status', 'check', 'repair', 'accept', 'logs', 'completion', '--inventory', '--read-only', '--pool', '--yes']) assert.ok(bash.includes(c), c);
  const zsh = spawnSync('zsh', ['-n'], { input: completionScript('zsh') });
  if (zsh.error === undefined) assert.equal(zsh.status, 0, String(zsh.stderr));
});
