import type { Severity } from '../src/model/index.js';
import type { Health } from '../src/store/selectors.js';

/** Colours by role. undefined = draw with the terminal's default colour. */
export interface Theme {
  name: 'default' | 'high-contrast' | 'no-color';
  ok?: string;
  warning?: string;
  critical?: string;
  muted?: string;
  accent?: string;
  info?: string;
}

export const DEFAULT_THEME: Theme = { name: 'default', ok: 'green', warning: 'yellow', critical: 'red', muted: 'gray', accent: 'cyan', info: 'blue' };

/** Bright colours only, no dim gray: readable on poor projectors and low-vision setups. */
export const HIGH_CONTRAST_THEME: Theme = {
  name: 'high-contrast',
  ok: 'greenBright',
  warning: 'yellowBright',
  critical: 'redBright',
  muted: 'white',
  accent: 'cyanBright',
  info: 'whiteBright',
};

export const NO_COLOR_THEME: Theme = { name: 'no-color' };

/** NO_COLOR (any non-empty value, see no-color.org) wins over the requested variant. */
export function pickTheme(variant: 'default' | 'high-contrast' = 'default', env: NodeJS.ProcessEnv = process.env): Theme {
  if (env['NO_COLOR']) return NO_COLOR_THEME;
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
