import type { Severity } from '../src/model/index.js';
import type { Health } from '../src/store/selectors.js';
import { BUILTIN_PALETTES, type Palette } from '../src/theme/palettes.js';

/**
 * Colours by role (src/theme/palettes.ts). undefined = draw with the terminal's default colour.
 * name: default, high-contrast, no-color, or the name of a theme file.
 */
export interface Theme extends Palette {
  name: string;
}

export const DEFAULT_THEME: Theme = { name: 'default', ...BUILTIN_PALETTES.default };

/** Bright colours only, no dim gray: readable on poor projectors and low-vision setups. */
export const HIGH_CONTRAST_THEME: Theme = { name: 'high-contrast', ...BUILTIN_PALETTES['high-contrast'] };

export const NO_COLOR_THEME: Theme = { name: 'no-color' };

/**
 * A built-in variant by name, or a palette read from a theme file (src/theme/load-theme.ts).
 * NO_COLOR (any non-empty value, see no-color.org) wins over either.
 */
export function pickTheme(variant: string | { name: string; palette: Palette } = 'default', env: NodeJS.ProcessEnv = process.env): Theme {
  if (env['NO_COLOR']) return NO_COLOR_THEME;
  if (typeof variant !== 'string') return { ...variant.palette, name: variant.name };
  return variant === 'high-contrast' ? HIGH_CONTRAST_THEME : DEFAULT_THEME;
}

export function healthColor(t: Theme, h: Health): string | undefined {
  if (h === 'ok') return t.ok;
  if (h === 'warning') return t.warning;
  if (h === 'critical') return t.critical;
  return t.muted;
}

export function severityColor(t: Theme, s: Severity): string | undefined {
  if (s === 'critical') return t.critical;
  if (s === 'warning') return t.warning;
  if (s === 'info') return t.info;
  return t.ok;
}
