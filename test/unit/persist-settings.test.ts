import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSettings, SETTINGS_DEFAULTS } from '../../src/persist/settings.js';
import Conf from 'conf';
import envPaths from 'env-paths';
import { configDir, confDefaultDir, confLocation, PROJECT_NAME, settingsFilePath, stateDir } from '../../src/persist/paths.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-settings-'));

test('defaults are filled in and written; values persist across opens', () => {
  const dir = tmp();
  const env = { REMLITE_CONFIG_DIR: dir };
  const s = openSettings({ env });
  assert.equal(s.path, path.join(dir, 'config.json'));
  assert.deepEqual(s.all(), { ...SETTINGS_DEFAULTS });
  assert.equal(s.get('pollIntervalMs'), 5000);
  assert.equal(s.get('probeTimeoutMs'), 10000);
  assert.equal(s.get('slowThresholdMs'), 2000);
  assert.equal(s.get('maxConcurrent'), 64);
  assert.equal(s.get('logScrollback'), 5000);
  assert.equal(s.get('theme'), 'default');
  assert.equal(s.get('inventoryPath'), undefined);
  s.set('inventoryPath', '/srv/inventory.yaml');
  s.set('pollIntervalMs', 1500);
  const again = openSettings({ env });
  assert.equal(again.get('inventoryPath'), '/srv/inventory.yaml');
  assert.equal(again.get('pollIntervalMs'), 1500);
  assert.deepEqual(again.warnings, []);
  assert.throws(() => again.set('maxConcurrent', 0), /maxConcurrent/);
  assert.equal(openSettings({ env }).get('maxConcurrent'), 64);
});

test('an unparsable settings file is moved aside, reported with its path, and not overwritten', () => {
  const dir = tmp();
  const file = path.join(dir, 'config.json');
  const broken = '{"pollIntervalMs": 1000, ';
  writeFileSync(file, broken);
  const s = openSettings({ env: { REMLITE_CONFIG_DIR: dir }, now: () => new Date('2024-05-01T10:20:30.456Z') });
  const aside = `${file}.corrupt-2024-05-01T10-20-30-456Z`;
  assert.equal(readFileSync(aside, 'utf8'), broken);
  assert.equal(s.warnings.length, 1);
  assert.ok(s.warnings[0]!.includes(file));
  assert.ok(s.warnings[0]!.includes(aside));
  assert.match(s.warnings[0]!, /not valid JSON/);
  assert.equal(s.get('pollIntervalMs'), 5000);
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', path.basename(aside)]);
});

test('the corrupt-settings warning does not echo the file: escape sequences in it never reach the terminal', () => {
  for (const broken of ['{"theme": \u001b]0;pwned\u0007\u001b[2J}', '\u009b2J\u202e{', '{"a":1']) {
    const dir = tmp();
    writeFileSync(path.join(dir, 'config.json'), broken);
    const s = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0]!, /is not valid JSON/);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(s.warnings[0]!), JSON.stringify(s.warnings[0]));
    assert.ok(!s.warnings[0]!.includes('pwned'), 'no quote of the file');
  }
});

test('a file breaking the schema, or JSON that is not an object, is moved aside too', () => {
  for (const text of ['{"maxConcurrent": "lots"}', '[1, 2]']) {
    const dir = tmp();
    const s = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
    writeFileSync(s.path, text);
    const reopened = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
    assert.equal(reopened.warnings.length, 1, text);
    assert.equal(reopened.get('maxConcurrent'), 64);
    const aside = readdirSync(dir).filter((f) => f.startsWith('config.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(path.join(dir, aside[0]!), 'utf8'), text);
  }
});

test('paths: state dir precedence and config dir from conf', () => {
  assert.equal(stateDir({ REMLITE_STATE_DIR: '/s/remlite', XDG_STATE_HOME: '/x' }, '/home/u'), '/s/remlite');
  assert.equal(stateDir({ XDG_STATE_HOME: '/x' }, '/home/u'), '/x/remlite');
  assert.equal(stateDir({}, '/home/u'), '/home/u/.local/state/remlite');
  const dir = tmp();
  assert.equal(settingsFilePath({ REMLITE_CONFIG_DIR: dir }), path.join(dir, 'config.json'));
  assert.equal(configDir({ REMLITE_CONFIG_DIR: dir }), dir);
});

test('conf\'s default directory is the one env-paths gives, on each platform it knows, with and without its variables', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  const saved = { XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'], APPDATA: process.env['APPDATA'] };
  try {
    for (const os of ['linux', 'darwin', 'win32', 'freebsd'] as const) {
      Object.defineProperty(process, 'platform', { ...platform, value: os });
      for (const vars of [{}, { XDG_CONFIG_HOME: '/x/config', APPDATA: '/y/AppData/Roaming' }] as Record<string, string>[]) {
        delete process.env['XDG_CONFIG_HOME'];
        delete process.env['APPDATA'];
        Object.assign(process.env, vars);
        assert.equal(confDefaultDir(), envPaths(PROJECT_NAME, { suffix: 'nodejs' }).config, `${os} ${JSON.stringify(vars)}`);
      }
    }
  } finally {
    Object.defineProperty(process, 'platform', platform);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('the settings path computed without conf is the one conf itself uses', () => {
  const saved = process.env['XDG_CONFIG_HOME'];
  process.env['XDG_CONFIG_HOME'] = mkdtempSync(path.join(os.tmpdir(), 'remlite-xdg-'));
  try {
    const confPath = new Conf<Record<string, unknown>>({ ...confLocation({}), deserialize: () => ({}) }).path;
    assert.equal(settingsFilePath({}), confPath);
    assert.ok(confPath.startsWith(process.env['XDG_CONFIG_HOME']));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-cfg-'));
    assert.equal(settingsFilePath({ REMLITE_CONFIG_DIR: dir }), new Conf<Record<string, unknown>>({ ...confLocation({ REMLITE_CONFIG_DIR: dir }), deserialize: () => ({}) }).path);
  } finally {
    if (saved === undefined) delete process.env['XDG_CONFIG_HOME'];
    else process.env['XDG_CONFIG_HOME'] = saved;
  }
});

test('heavyCheckIntervalSec: 300 s by default, 0 (every poll) and a day accepted, negative or over a day refused (file moved aside)', () => {
  const dir = tmp();
  const s = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
  assert.equal(s.get('heavyCheckIntervalSec'), 300);
  for (const ok of [0, 86_400]) {
    writeFileSync(s.path, JSON.stringify({ heavyCheckIntervalSec: ok }));
    assert.equal(openSettings({ env: { REMLITE_CONFIG_DIR: dir } }).get('heavyCheckIntervalSec'), ok);
  }
  for (const bad of [-1, 86_401, 2.5]) {
    writeFileSync(s.path, JSON.stringify({ heavyCheckIntervalSec: bad }));
    const reopened = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
    assert.equal(reopened.warnings.length, 1, String(bad));
    assert.match(reopened.warnings[0] ?? '', /heavyCheckIntervalSec/);
    assert.equal(reopened.get('heavyCheckIntervalSec'), 300);
  }
});
