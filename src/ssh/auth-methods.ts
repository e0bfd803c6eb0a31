import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod } from 'ssh2';
import { loadSsh2 } from './load-ssh2.js';
import type { SshTarget } from '../model/index.js';
import { tildePath } from './errors.js';

export interface AuthPlan {
  /** In order: ssh-agent, then each usable identity file. */
  methods: AnyAuthMethod[];
  /** What will be offered, for messages ("ssh-agent", "~/.ssh/id_ed25519"). */
  offered: string[];
  /** What was left out and why ("~/.ssh/id_rsa is encrypted: ..."). */
  skipped: string[];
}

/** Builds the authentication attempts for a target. Never prompts: encrypted keys are skipped. */
export async function planAuth(target: SshTarget, agentSocket: string | undefined): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], offered: [], skipped: [] };
  const username = target.user;
  if (agentSocket) {
    plan.methods.push({ type: 'agent', username, agent: agentSocket });
    plan.offered.push('ssh-agent');
  }
  for (const file of target.identityFiles) {
    const shown = tildePath(file);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      plan.skipped.push(code === 'ENOENT' ? `${shown} does not exist` : `${shown} unreadable (${code ?? (err as Error).message})`);
      continue;
    }
    const parsed = (await loadSsh2()).utils.parseKey(data);
    if (parsed instanceof Error) {
      plan.skipped.push(
        /encrypted|passphrase/i.test(parsed.message)
          ? `${shown} is encrypted (remlite never prompts for passphrases: add it to ssh-agent)`
          : `${shown} is not a usable private key (${parsed.message})`,
      );
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key?.isPrivateKey()) {
      plan.skipped.push(`${shown} holds no private key`);
      continue;
    }
    plan.methods.push({ type: 'publickey', username, key: data });
    plan.offered.push(shown);
  }
  return plan;
}
