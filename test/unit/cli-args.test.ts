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
  for (const command of ['status', 'check', 'repair', 'logs', 'completion', 'theme']) {
    const args = parseCliArgs([command, '--help']);
    assert.equal(args.command, 'help');
    assert.equal(args.helpFor, command, 'no arity error before help');
  }
  const repair = commandUsage('repair');
  assert.match(repair, /remlite repair HOST ACTION/);
  assert.match(repair, /exact command, ask \(or --yes\)/, 'continuation lines kept');
  assert.match(repair, /--yes\s+\(repair\)/);
  assert.match(repair, /--inventory/, 'options for every command are listed');
  assert.doesNotMatch(repair, /--follow|--json|--mouse|remlite logs/, 'other commands\' options are not');
  const logs = commandUsage('logs');
  assert.match(logs, /--follow/);
  assert.doesNotMatch(logs, /--yes/);
  assert.equal(parseCliArgs(['--help']).helpFor, undefined);
});
