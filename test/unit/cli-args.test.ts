import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandUsage, parseCliArgs, UsageError } from '../../src/cli/args.js';

test('defaults open the console on this machine and ~/.ssh/config', () => {
  const a = parseCliArgs([]);
  assert.equal(a.command, 'tui');
  assert.equal(a.local, true);
  assert.equal(a.readOnly, false);
  assert.equal(a.sshConfig, undefined);
});

test('options and the status command', () => {
  const a = parseCliArgs(['status', '--json', '-i', 'inv.yaml', '--read-only', '--no-local', '--no-ssh-config', '--interval', '2']);
  assert.deepEqual(
    { c: a.command, j: a.json, i: a.inventory, r: a.readOnly, l: a.local, s: a.sshConfig, n: a.intervalSec },
    { c: 'status', j: true, i: 'inv.yaml', r: true, l: false, s: false, n: 2 },
  );
});

test('bad input is a usage error naming the problem', () => {
  assert.throws(() => parseCliArgs(['--bogus']), UsageError);
  assert.throws(() => parseCliArgs(['frobnicate']), /unknown command "frobnicate"/);
  assert.throws(() => parseCliArgs(['--interval', 'soon']), /--interval/);
});

test('--mouse turns on wheel scrolling in the console (off by default)', () => {
  assert.equal(parseCliArgs([]).mouse, false);
  assert.equal(parseCliArgs(['--mouse']).mouse, true);
});

test('COMMAND --help prints that command\'s usage and only the options that apply to it', () => {
  for (const command of ['status', 'check', 'repair', 'accept', 'logs', 'completion', 'theme']) {
    const args = parseCliArgs([command, '--help']);
    assert.equal(args.command, 'help');
    assert.equal(args.helpFor, command, 'no arity error before help');
  }
  const repair = commandUsage('repair');
  assert.match(repair, /remlite repair HOST ACTION/);
  assert.match(repair, /exact command, ask \(or --yes\)/, 'continuation lines kept');
  assert.match(repair, /--yes\s+\(repair, accept\)/);
  const accept = commandUsage('accept');
  assert.match(accept, /remlite accept HOST\|--pool P \[--yes\]/);
  assert.match(accept, /--pool NAME/);
  assert.match(accept, /--yes/);
  assert.doesNotMatch(accept, /--follow|--json|remlite repair/);
  assert.doesNotMatch(commandUsage('logs'), /--pool/);
  assert.match(repair, /--inventory/, 'options for every command are listed');
  assert.doesNotMatch(repair, /--follow|--json|--mouse|remlite logs/, 'other commands\' options are not');
  const logs = commandUsage('logs');
  assert.match(logs, /--follow/);
  assert.doesNotMatch(logs, /--yes/);
  assert.equal(parseCliArgs(['--help']).helpFor, undefined);
});

test('accept takes a HOST or one --pool P, and --yes', () => {
  const host = parseCliArgs(['accept', 'web1', '--yes']);
  assert.deepEqual([host.command, host.operands, host.yes, host.pools], ['accept', ['web1'], true, []]);
  const pool = parseCliArgs(['accept', '--pool', 'web']);
  assert.deepEqual([pool.command, pool.operands, pool.yes, pool.pools], ['accept', [], false, ['web']]);
  assert.throws(() => parseCliArgs(['accept']), /give a HOST or one --pool P/);
  assert.throws(() => parseCliArgs(['accept', 'web1', '--pool', 'web']), /not both/);
  assert.throws(() => parseCliArgs(['accept', '--pool', 'a', '--pool', 'b']), /one --pool/);
  assert.throws(() => parseCliArgs(['accept', 'a', 'b']), /unexpected argument "b"/);
});
