import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseThemeFile } from '../../src/theme/theme-file.js';
import { resolveTheme } from '../../src/theme/load-theme.js';
import { BUILTIN_PALETTES } from '../../src/theme/palettes.js';
import { runTheme } from '../../src/cli/run-theme.js';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { pickTheme, NO_COLOR_THEME, HIGH_CONTRAST_THEME } from '../../views/theme.js';

test('a theme file maps roles to colours over its base; "default" leaves a role to the terminal', () => {
  const r = parseThemeFile('# war room\nbase: high-contrast\ncritical: "#ff0000"\nmuted: default\naccent: magentaBright\n', 'dark.yaml');
  assert.ok('palette' in r);
  const { muted: _dropped, ...rest } = BUILTIN_PALETTES['high-contrast'];
  assert.deepEqual(r.palette, { ...rest, critical: '#ff0000', accent: 'magentaBright' });
  assert.ok(!('muted' in r.palette));
  const json = parseThemeFile('{"ok": "#0f0", "info": "grey"}', 'j.json');
  assert.ok('palette' in json);
  assert.equal(json.palette.ok, '#0f0');
  assert.equal(json.palette.warning, 'yellow', 'roles left out come from the default theme');
});

test('mistakes come back with file:line:column and what to do', () => {
  const r = parseThemeFile('ok: green\ncritcal: red\nwarning: orange\nbase: solarized\ninfo: "#12345"\n', 'mine.yaml');
  assert.ok('issues' in r);
  assert.deepEqual(
    r.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.reason} — ${i.hint}`),
    [
      'mine.yaml:2:1: unknown role "critcal" — did you mean "critical"?',
      'mine.yaml:3:10: "orange" is not a colour: use a name (black, blackBright, red, redBright, green, greenBright, yellow, yellowBright, …Bright, gray), #rrggbb, or default — fix the colour',
      'mine.yaml:4:7: base "solarized" is not a built-in theme — use one of default, high-contrast',
      'mine.yaml:5:7: "#12345" is not a colour: use a name (black, blackBright, red, redBright, green, greenBright, yellow, yellowBright, …Bright, gray), #rrggbb, or default — fix the colour',
    ],
  );
  assert.match((parseThemeFile('ok: [green\n', 'x.yaml') as { issues: { reason: string }[] }).issues[0]!.reason, /not valid YAML/);
  assert.match((parseThemeFile('- green\n', 'x.yaml') as { issues: { reason: string }[] }).issues[0]!.reason, /mapping of roles to colours/);
  const typo = parseThemeFile('ok: gren\n', 'x.yaml');
  assert.ok('issues' in typo);
  assert.match(typo.issues[0]!.reason, /did you mean "green"/);
});

test('themes by name: built-in, file, missing or broken file (default theme + a warning)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-theme-'));
  mkdirSync(join(dir, 'themes'));
  writeFileSync(join(dir, 'themes', 'room.yaml'), 'critical: "#ff5555"\n');
  writeFileSync(join(dir, 'themes', 'broken.yml'), 'ok: green\nwarning: 12\n');
  assert.deepEqual(resolveTheme('high-contrast', dir), { name: 'high-contrast', palette: BUILTIN_PALETTES['high-contrast'] });
  assert.deepEqual(resolveTheme('room', dir), { name: 'room', palette: { ...BUILTIN_PALETTES.default, critical: '#ff5555' } });
  const broken = resolveTheme('broken', dir);
  assert.equal(broken.name, 'default');
  assert.match(broken.warning ?? '', new RegExp(`${join(dir, 'themes', 'broken.yml')}:2:10: "12" is not a colour.*; using the default theme$`));
  assert.match(resolveTheme('nope', dir).warning ?? '', /theme "nope" not found: no .*themes\/nope\.yaml/);
  assert.match(resolveTheme('../etc/passwd', dir).warning ?? '', /is not a theme name/);
});

test('NO_COLOR wins over a theme file; built-in names keep working', () => {
  const file = { name: 'room', palette: { critical: '#ff5555' } };
  assert.deepEqual(pickTheme(file, { NO_COLOR: '1' }), NO_COLOR_THEME);
  assert.deepEqual(pickTheme(file, {}), { name: 'room', critical: '#ff5555' });
  assert.deepEqual(pickTheme('high-contrast', {}), HIGH_CONTRAST_THEME);
});

test('remlite theme list / export: a built-in written out reads back as the same palette', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-theme-cli-'));
  let out = '';
  let err = '';
  const run = (...ops: string[]) => runTheme(ops, dir, (t) => (out += t), (t) => (err += t));
  assert.equal(run('export', 'high-contrast', 'mine'), 0);
  const file = join(dir, 'themes', 'mine.yaml');
  const back = parseThemeFile(readFileSync(file, 'utf8'), file);
  assert.deepEqual(back, { palette: BUILTIN_PALETTES['high-contrast'] });
  assert.equal(run('export', 'default', 'mine'), 1, 'never overwrites');
  assert.match(err, /already exists/);
  out = '';
  assert.equal(run('list'), 0);
  assert.match(out, /^default\tbuilt-in\nhigh-contrast\tbuilt-in\nmine\t.*mine\.yaml\n/);
  writeFileSync(join(dir, 'themes', 'bad.yaml'), 'ok: nocolour\n');
  out = '';
  run('list');
  assert.match(out, /bad\t.*bad\.yaml\tBROKEN: .*bad\.yaml:1:5: "nocolour" is not a colour/);
  assert.equal(run('export', 'missing'), 1);
  assert.equal(parseCliArgs(['--theme', 'mine']).theme, 'mine');
  assert.equal(parseCliArgs(['theme', 'export', 'default']).command, 'theme');
  assert.throws(() => parseCliArgs(['theme', 'show']), UsageError);
  assert.throws(() => parseCliArgs(['--theme', '../x']), UsageError);
});
