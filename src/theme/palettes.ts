/** What a colour is used for; views/theme.ts maps these onto the screens. */
export const THEME_ROLES = ['ok', 'warning', 'critical', 'muted', 'accent', 'info'] as const;
export type ThemeRole = (typeof THEME_ROLES)[number];

/** Role → colour (a name Ink/chalk knows, or #rrggbb); a missing role draws in the terminal's default colour. */
export type Palette = Partial<Record<ThemeRole, string>>;

export const BUILTIN_THEMES = ['default', 'high-contrast'] as const;
export type BuiltinTheme = (typeof BUILTIN_THEMES)[number];

export const BUILTIN_PALETTES: Readonly<Record<BuiltinTheme, Readonly<Palette>>> = {
  default: { ok: 'green', warning: 'yellow', critical: 'red', muted: 'gray', accent: 'cyan', info: 'blue' },
  // Bright colours only, no dim gray: readable on poor projectors and low-vision setups.
  'high-contrast': { ok: 'greenBright', warning: 'yellowBright', critical: 'redBright', muted: 'white', accent: 'cyanBright', info: 'whiteBright' },
};

export const isBuiltinTheme = (name: string): name is BuiltinTheme => (BUILTIN_THEMES as readonly string[]).includes(name);

/** The colour names chalk (and so Ink's `color`) accepts. */
export const COLOR_NAMES: readonly string[] = [
  ...['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'].flatMap((c) => [c, `${c}Bright`]),
  'gray',
  'grey',
];
