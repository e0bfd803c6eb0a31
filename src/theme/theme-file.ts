import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { closest, type ConfigIssue } from '../util/config-error.js';
import { BUILTIN_PALETTES, BUILTIN_THEMES, COLOR_NAMES, isBuiltinTheme, THEME_ROLES, type Palette, type ThemeRole } from './palettes.js';

const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
/** A role given this value draws in the terminal's default colour. */
const DEFAULT_WORDS = ['default', 'none'];

/** A colour as written in a theme file, or why it is not one. */
function colorError(value: string): string | undefined {
  if (HEX.test(value) || COLOR_NAMES.includes(value) || DEFAULT_WORDS.includes(value)) return undefined;
  const guess = closest(value, COLOR_NAMES);
  return `"${value}" is not a colour${guess ? ` (did you mean "${guess}"?)` : ''}: use a name (${COLOR_NAMES.slice(0, 8).join(', ')}, …Bright, gray), #rrggbb, or default`;
}

/**
 * Reads a theme file (YAML, or JSON which is YAML too): `base:` a built-in theme to start from
 * (default: default), then role: colour lines. Returns the palette, or every problem with its line.
 * Pure.
 */
export function parseThemeFile(text: string, file: string): { palette: Palette } | { issues: ConfigIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const report = (node: Node | null | undefined, reason: string, hint: string) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    issues.push({ file, line, column: col, reason, hint });
  };
  for (const err of doc.errors) {
    const { line, col } = lines.linePos(err.pos[0]);
    issues.push({ file, line, column: col, reason: `not valid YAML/JSON: ${err.message.split('\n')[0]}`, hint: 'fix the syntax (one "role: colour" per line)' });
  }
  if (issues.length) return { issues };
  const root = doc.contents as Node | null;
  if (!isMap(root)) {
    report(root, 'a theme must be a mapping of roles to colours', `write lines like "critical: red" (roles: ${THEME_ROLES.join(', ')})`);
    return { issues };
  }
  let base: Palette = BUILTIN_PALETTES.default;
  const colours: Palette = {};
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const valueNode = pair.value as Node | null;
    const value = isScalar(valueNode) && valueNode.value !== null ? String(valueNode.value) : undefined;
    if (key === 'base') {
      if (value !== undefined && isBuiltinTheme(value)) base = BUILTIN_PALETTES[value];
      else report(valueNode ?? keyNode, `base "${value ?? ''}" is not a built-in theme`, `use one of ${BUILTIN_THEMES.join(', ')}`);
      continue;
    }
    if (!(THEME_ROLES as readonly string[]).includes(key)) {
      const guess = closest(key, [...THEME_ROLES, 'base']);
      report(keyNode, `unknown role "${key}"`, guess ? `did you mean "${guess}"?` : `the roles are ${THEME_ROLES.join(', ')} (and base)`);
      continue;
    }
    const problem = value === undefined ? `role "${key}" has no colour` : colorError(value);
    if (problem) {
      report(valueNode ?? keyNode, problem, 'fix the colour');
      continue;
    }
    colours[key as ThemeRole] = value;
  }
  if (issues.length) return { issues };
  const palette: Palette = { ...base };
  for (const [role, colour] of Object.entries(colours) as [ThemeRole, string][]) {
    if (DEFAULT_WORDS.includes(colour)) delete palette[role];
    else palette[role] = colour;
  }
  return { palette };
}

/** A built-in palette written out as a commented starting file. */
export function themeFileText(name: string, palette: Palette): string {
  const rows = THEME_ROLES.map((r) => `${r}: ${palette[r] ?? 'default'}`);
  return [
    `# remlite theme (copied from the built-in "${name}" theme).`,
    '# Roles: ok, warning, critical (health and severity), muted (secondary text), accent (titles,',
    '# selection, commands), info. Colours: a name (red, greenBright, gray...), #rrggbb, or default.',
    '# Roles left out come from "base" (default or high-contrast). NO_COLOR still turns every colour off.',
    ...rows,
    '',
  ].join('\n');
}
