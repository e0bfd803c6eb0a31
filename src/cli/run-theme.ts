import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../persist/atomic.js';
import { BUILTIN_THEMES } from '../theme/palettes.js';
import { listThemeFiles, resolveTheme, themesDir } from '../theme/load-theme.js';
import { themeFileText } from '../theme/theme-file.js';

/**
 * `remlite theme list` and `remlite theme export NAME [NEW]`: the themes there are, and a theme
 * written out as a file to start editing from. Returns the exit code.
 */
export function runTheme(operands: string[], configDir: string, out: (text: string) => void, err: (text: string) => void): number {
  const [verb, name, target] = operands;
  if (verb === 'list') {
    const rows = [...BUILTIN_THEMES.map((n) => `${n}\tbuilt-in`)];
    for (const f of listThemeFiles(configDir)) {
      const r = resolveTheme(f.name, configDir);
      rows.push(`${f.name}\t${f.file}${r.warning ? `\tBROKEN: ${r.warning}` : ''}`);
    }
    out(rows.join('\n') + `\n\nPick one with --theme NAME or "theme": "NAME" in the settings; theme files live in ${themesDir(configDir)}.\n`);
    return 0;
  }
  const resolved = resolveTheme(name ?? '', configDir);
  if (resolved.warning) {
    err(`remlite: ${resolved.warning.replace(/; using the default theme$/, '')}\n`);
    return 1;
  }
  const text = themeFileText(resolved.name, resolved.palette);
  if (target === undefined) {
    out(text);
    return 0;
  }
  const file = path.join(themesDir(configDir), `${target}.yaml`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(target)) {
    err(`remlite: "${target}" is not a theme name (letters, digits, ".", "_", "-")\n`);
    return 2;
  }
  if (existsSync(file)) {
    err(`remlite: ${file} already exists; edit it, or pick another name\n`);
    return 1;
  }
  mkdirSync(themesDir(configDir), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, text, 0o644);
  out(`wrote ${file}; edit it, then run remlite --theme ${target}\n`);
  return 0;
}
