import path from 'node:path';
import type { Machine } from '../src/model/index.js';
import { loadInventory } from './datacenter.js';
import { localMachine } from './local.js';
import { loadAnsibleInventories } from './ansible/index.js';
import { loadSshConfigHosts } from './sshconfig.js';
import { SshConfigError } from './sshconfig-load.js';
import { systemEnv } from './ssh-defaults.js';

export { InventoryError, loadInventory, parseInventory, type InventoryIssue } from './datacenter.js';
export { loadSshConfigHosts, SshConfigError } from './sshconfig.js';
export { localMachine } from './local.js';

export interface LoadFleetOptions {
  /** YAML inventory (docs/inventory.md); no inventory provider when absent. */
  inventoryPath?: string;
  /** Ansible inventories (files or directories); read with ansible-inventory when installed. */
  ansibleInventories?: string[];
  /** Ansible groups that become the pool, in order of preference (setting ansiblePoolGroups). */
  ansiblePoolGroups?: string[];
  /** Force how Ansible inventories are read (tests); default 'auto'. */
  ansibleReader?: 'auto' | 'ansible' | 'static';
  /** Default: <home>/.ssh/config. */
  sshConfigPath?: string;
  /** Leave the ssh config provider out entirely (--no-ssh-config). */
  noSshConfig?: boolean;
  /** Default: os.homedir(). */
  home?: string;
  /** Default: true. */
  includeLocal?: boolean;
  /** Services expected on this machine (local provider). */
  localServices?: string[];
}

export interface ProviderStatus {
  ok: boolean;
  message?: string;
  machines: number;
}

export interface Fleet {
  machines: Machine[];
  warnings: string[];
  providers: Record<string, ProviderStatus>;
  /** Ansible inventory files read (to watch for edits). */
  ansibleFiles: string[];
}

/**
 * Lists the fleet: this machine, the ssh config hosts and the inventory hosts. When two providers
 * give the same id, the inventory wins over Ansible inventories, which win over the ssh config,
 * which wins over the local machine.
 * A bad inventory throws InventoryError (the operator asked for that file); a bad ssh config only
 * disables its provider.
 */
export async function loadFleet(opts: LoadFleetOptions = {}): Promise<Fleet> {
  const env = systemEnv(opts.home);
  const warnings: string[] = [];
  const providers: Record<string, ProviderStatus> = {};

  const local: Machine[] = [];
  if (opts.includeLocal ?? true) {
    local.push(localMachine(opts.localServices));
    providers['local'] = { ok: true, machines: 1 };
  }

  let sshHosts: Machine[] = [];
  const sshConfigPath = opts.sshConfigPath ?? path.join(env.home, '.ssh', 'config');
  if (opts.noSshConfig) {
    providers['sshconfig'] = { ok: true, message: 'disabled (--no-ssh-config)', machines: 0 };
  } else {
    try {
      const result = loadSshConfigHosts(sshConfigPath, env);
      sshHosts = result.machines;
      warnings.push(...result.warnings);
      providers['sshconfig'] = { ok: true, machines: sshHosts.length };
    } catch (err) {
      if (!(err instanceof SshConfigError)) throw err;
      providers['sshconfig'] = { ok: false, message: err.message, machines: 0 };
      warnings.push(`ssh config hosts disabled: ${err.message}`);
    }
  }

  let inventory: Machine[] = [];
  if (opts.inventoryPath) {
    inventory = await loadInventory(opts.inventoryPath, env);
    providers['datacenter'] = { ok: true, machines: inventory.length };
  } else {
    providers['datacenter'] = { ok: true, message: 'no inventory file configured', machines: 0 };
  }

  let ansible: Machine[] = [];
  let ansibleFiles: string[] = [];
  if (opts.ansibleInventories?.length) {
    const result = await loadAnsibleInventories(opts.ansibleInventories, {
      env,
      ...(opts.ansiblePoolGroups ? { poolGroups: opts.ansiblePoolGroups } : {}),
      ...(opts.ansibleReader ? { reader: opts.ansibleReader } : {}),
    });
    ansible = result.machines;
    ansibleFiles = result.files;
    warnings.push(...result.warnings);
    providers['ansible'] = { ok: true, message: `read with the ${result.via}`, machines: ansible.length };
  }

  // Highest precedence first; a later machine with a taken id is dropped with a warning.
  const byId = new Map<string, Machine>();
  for (const m of [...inventory, ...ansible, ...sshHosts, ...local]) {
    const winner = byId.get(m.id);
    if (winner) {
      warnings.push(`${m.origin}: "${m.id}" is also defined at ${winner.origin} (${winner.provider}); using that one`);
      const status = providers[m.provider];
      if (status) status.machines--;
      continue;
    }
    byId.set(m.id, m);
  }
  // Stable, readable order: local first, then ssh config, then Ansible, then inventory, each in file order.
  const order = [...local, ...sshHosts, ...ansible, ...inventory];
  return { machines: order.filter((m) => byId.get(m.id) === m), warnings, providers, ansibleFiles };
}
