import { execFile, spawnSync } from 'node:child_process';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { InventoryError } from '../inventory-error.js';

const TIMEOUT_MS = 60_000;

/** Whether ansible-inventory can be run here. */
export function hasAnsibleInventory(): boolean {
  const r = spawnSync('ansible-inventory', ['--version'], { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

/**
 * Runs `ansible-inventory -i SOURCE --list` with stdin closed, no vault password and prompts off,
 * so it can never wait on the operator. Its stderr is shown on failure (it does not hold values);
 * its stdout (which may hold vaulted text) is returned only to the JSON reader.
 */
export function runInventoryList(source: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_ASK_VAULT_PASS: 'False', ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_RETRY_FILES_ENABLED: 'False' };
  delete env['ANSIBLE_VAULT_PASSWORD_FILE'];
  return new Promise((resolve, reject) => {
    const child = execFile('ansible-inventory', ['-i', source, '--list'], { env, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = sanitizeLine(stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).slice(-3).join(' / ')).slice(0, 500);
        const reason = (err as { killed?: boolean }).killed ? `ansible-inventory did not finish within ${TIMEOUT_MS / 1000}s` : `ansible-inventory failed: ${why || err.message}`;
        reject(new InventoryError([{ file: source, line: 0, column: 0, reason, hint: 'run ansible-inventory -i <path> --list yourself to see why' }]));
      } else resolve(stdout);
    });
    child.stdin?.end();
  });
}
