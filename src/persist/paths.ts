// Named imports: in the bundled start a default import of a built-in is a copy of all its properties.
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export const PROJECT_NAME = 'remlite';

/** Where remlite keeps state (audit log, baselines, fleet cache). */
export function stateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env['REMLITE_STATE_DIR']) return resolve(env['REMLITE_STATE_DIR']);
  if (env['XDG_STATE_HOME'] && isAbsolute(env['XDG_STATE_HOME'])) return join(env['XDG_STATE_HOME'], PROJECT_NAME);
  return join(home, '.local', 'state', PROJECT_NAME);
}

/** The options every Conf instance of remlite shares; $REMLITE_CONFIG_DIR overrides the location. */
export function confLocation(env: NodeJS.ProcessEnv = process.env): { projectName: string; cwd?: string } {
  const dir = env['REMLITE_CONFIG_DIR'];
  return dir ? { projectName: PROJECT_NAME, cwd: resolve(dir) } : { projectName: PROJECT_NAME };
}

/**
 * conf's own directory for remlite when no $REMLITE_CONFIG_DIR says otherwise: env-paths 3's config
 * directory with conf's "nodejs" suffix, from the same environment it reads (process.env, the home
 * directory). Worked out here rather than by loading env-paths: its module copies node:os, node:path
 * and node:process whole when it loads (0.3 ms of every first frame, in the bundle).
 * test/unit/persist-settings.test.ts checks it against env-paths on all three platforms it knows.
 */
export function confDefaultDir(): string {
  const name = `${PROJECT_NAME}-nodejs`;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', name);
  if (process.platform === 'win32') return join(process.env['APPDATA'] || join(home, 'AppData', 'Roaming'), name, 'Config');
  return join(process.env['XDG_CONFIG_HOME'] || join(home, '.config'), name);
}

/**
 * The settings file path exactly as conf computes it (confDefaultDir, or $REMLITE_CONFIG_DIR;
 * `config.json`), without loading conf: the first frame needs the theme setting before anything heavy
 * is loaded. test/unit/persist-settings.test.ts checks it against conf's own path.
 */
export function settingsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const { cwd } = confLocation(env);
  return resolve(cwd ?? confDefaultDir(), 'config.json');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return dirname(settingsFilePath(env));
}
