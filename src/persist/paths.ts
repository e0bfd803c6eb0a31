import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

export const PROJECT_NAME = 'remlite';

/** Where remlite keeps state (audit log, baselines, fleet cache). */
export function stateDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env['REMLITE_STATE_DIR']) return path.resolve(env['REMLITE_STATE_DIR']);
  if (env['XDG_STATE_HOME'] && path.isAbsolute(env['XDG_STATE_HOME'])) return path.join(env['XDG_STATE_HOME'], PROJECT_NAME);
  return path.join(home, '.local', 'state', PROJECT_NAME);
}

/** The options every Conf instance of remlite shares; $REMLITE_CONFIG_DIR overrides the location. */
export function confLocation(env: NodeJS.ProcessEnv = process.env): { projectName: string; cwd?: string } {
  const dir = env['REMLITE_CONFIG_DIR'];
  return dir ? { projectName: PROJECT_NAME, cwd: path.resolve(dir) } : { projectName: PROJECT_NAME };
}

/**
 * The settings file path exactly as conf computes it (env-paths with conf's "nodejs" suffix, or
 * $REMLITE_CONFIG_DIR; `config.json`), without loading conf: the first frame needs the theme setting
 * before anything heavy is loaded. test/unit/persist-settings.test.ts checks it against conf's own path.
 */
export function settingsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const { cwd } = confLocation(env);
  return path.resolve(cwd ?? envPaths(PROJECT_NAME, { suffix: 'nodejs' }).config, 'config.json');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.dirname(settingsFilePath(env));
}
