import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatIssue } from '../util/config-error.js';
import { BUILTIN_PALETTES, isBuiltinTheme, type Palette } from './palettes.js';
import { parseThemeFile } from './theme-file.js';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface ResolvedTheme {
  name: string;
  palette: Palette;
  /** Why the default theme is used instead of the one asked for. */
  warning?: string;
}

export const themesDir = (configDir: string): string => path.join(configDir, 'themes');

/** The file a theme name refers to, if one exists. */
function themeFile(configDir: string, name: string): string | undefined {
  if (!NAME_RE.test(name)) return undefined;
  return EXTENSIONS.map((ext) => path.join(themesDir(configDir), name + ext)).find((f) => existsSync(f));
}

/**
 * A theme by name: a built-in one, or `<config dir>/themes/NAME.yaml|.yml|.json`. A missing or
 * broken file never stops remlite: the default theme is used and the warning says why and where.
 */
export function resolveTheme(name: string, configDir: string): ResolvedTheme {
  if (isBuiltinTheme(name)) return { name, palette: BUILTIN_PALETTES[name] };
  const fallback = (warning: string): ResolvedTheme => ({ name: 'default', palette: BUILTIN_PALETTES.default, warning });
  if (!NAME_RE.test(name)) return fallback(`theme "${name}" is not a theme name (letters, digits, ".", "_", "-"); using the default theme`);
  const file = themeFile(configDir, name);
  if (!file) return fallback(`theme "${name}" not found: no ${path.join(themesDir(configDir), name)}.yaml (remlite theme list shows the themes); using the default theme`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fallback(`${file}: cannot be read (${(err as Error).message}); using the default theme`);
  }
  const parsed = parseThemeFile(text, file);
  if ('issues' in parsed) return fallback(`${parsed.issues.map(formatIssue).join(' | ')}; using the default theme`);
  return { name, palette: parsed.palette };
}

/** Theme files in the config dir, by name. */
export function listThemeFiles(configDir: string): { name: string; file: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(themesDir(configDir));
  } catch {
    return [];
  }
  return entries
    .filter((f) => EXTENSIONS.includes(path.extname(f)) && NAME_RE.test(path.basename(f, path.extname(f))))
    .sort()
    .map((f) => ({ name: path.basename(f, path.extname(f)), file: path.join(themesDir(configDir), f) }));
}
