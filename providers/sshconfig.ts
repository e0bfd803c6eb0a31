import os from 'node:os';
import path from 'node:path';
import type { Machine } from '../src/model/index.js';
import { loadSshConfigFile } from './sshconfig-load.js';
import { resolveSshHosts } from './sshconfig-resolve.js';
import { systemEnv, type ProviderEnv } from './ssh-defaults.js';

export { SshConfigError } from './sshconfig-load.js';

/**
 * The concrete hosts of an OpenSSH client config (default ~/.ssh/config) as machines.
 * A missing file gives no hosts; an unparsable one throws SshConfigError.
 */
export function loadSshConfigHosts(
  file?: string,
  env: ProviderEnv = systemEnv(),
): { machines: Machine[]; warnings: string[] } {
  const configFile = file ?? path.join(env.home || os.homedir(), '.ssh', 'config');
  return resolveSshHosts(loadSshConfigFile(configFile, env), env);
}
