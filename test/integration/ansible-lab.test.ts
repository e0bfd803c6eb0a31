// Lab hosts described only by an Ansible INI inventory (with group_vars and a vaulted variable)
// are probed end to end by the real CLI; the vaulted text appears in no output and no state file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasAnsibleInventory } from '../../providers/ansible/index.js';
import { labInfo, type LabInfo } from '../support/lab.js';
import { answered } from '../support/lab-console.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const CIPHER = '3338653165363833623766343166386135';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

for (const reader of ['ansible-inventory', 'built-in reader'] as const) {
  const why = reader === 'ansible-inventory' && !hasAnsibleInventory() ? 'ansible-inventory is not installed (apt-get install ansible-core)' : false;
  test(`lab hosts from an Ansible inventory are probed end to end (${reader})`, { skip: skip || why }, () => {
    const lab = info as LabInfo;
    const web1 = lab.hosts.find((h) => h.name === 'lab-web1')!;
    const db1 = lab.hosts.find((h) => h.name === 'lab-db1')!;
    const home = mkdtempSync(join(tmpdir(), 'remlite-ansible-lab-'));
    const inv = join(home, 'inventory');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(
      join(inv, 'hosts'),
      [
        '[frontends]',
        `front1 ansible_host=${web1.address}`,
        '[databases]',
        `data1 ansible_host=${db1.address} remlite_services='["mariadb"]'`,
        '[dc:children]',
        'frontends',
        'databases',
        '[tools]',
        'control ansible_connection=local',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(inv, 'group_vars', 'all.yml'),
      [
        'ansible_user: root',
        `ansible_ssh_private_key_file: ${lab.clientKeyPath}`,
        `ansible_ssh_common_args: "-o UserKnownHostsFile=${lab.knownHostsPath}"`,
        'db_password: !vault |',
        '  $ANSIBLE_VAULT;1.1;AES256',
        `  ${CIPHER}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(inv, 'group_vars', 'frontends.yml'), 'remlite_services: [apache2, rsyslog]\n');
    const stateDir = join(home, 'state');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, REMLITE_STATE_DIR: stateDir, REMLITE_CONFIG_DIR: join(home, 'config'), SSH_AUTH_SOCK: '' };
    // The built-in reader is what runs where Ansible is not installed; the setting forces it here.
    mkdirSync(join(home, 'config'));
    writeFileSync(join(home, 'config', 'config.json'), JSON.stringify({ ansibleReader: reader === 'built-in reader' ? 'built-in' : 'ansible-inventory' }), { mode: 0o600 });
    const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'status', '--json', '--no-local', '--no-ssh-config', '--ansible-inventory', inv], { encoding: 'utf8', timeout: 120_000, env });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const hosts = (JSON.parse(r.stdout) as { hosts: { id: string; provider: string; pool: string; groups?: string[]; reach: string; error?: string; probe?: { hostname: string; services: { name: string; active: string }[] } }[] }).hosts;
    const by = new Map(hosts.map((h) => [h.id, h]));
    assert.deepEqual([...by.keys()].sort(), ['control', 'data1', 'front1']);
    const front = by.get('front1')!;
    assert.equal(front.provider, 'ansible');
    assert.equal(front.pool, 'frontends');
    assert.deepEqual(front.groups, ['dc', 'frontends']);
    assert.ok(answered(front.reach), `reach ${front.reach}: ${front.error}`);
    assert.equal(front.probe?.hostname, 'lab-web1');
    assert.equal(front.probe?.services.find((s) => s.name === 'apache2')?.active, 'active');
    const data = by.get('data1')!;
    assert.ok(answered(data.reach), `reach ${data.reach}: ${data.error}`);
    assert.equal(data.probe?.hostname, 'lab-db1');
    assert.equal(data.probe?.services.find((s) => s.name === 'mariadb')?.active, 'active');
    const control = by.get('control')!;
    assert.equal(control.reach, 'no-ssh');
    assert.match(control.error ?? '', /not probed: ansible_connection=local/);
    // Where the host came from tells which reader ran: a file:line from the built-in reader.
    assert.match(r.stderr, reader === 'built-in reader' ? /inventory\/hosts:9: Ansible host "control" is listed but not probed/ : /inventory \(ansible-inventory\): Ansible host "control" is listed but not probed/);
    assert.ok(!(r.stdout + r.stderr).includes(CIPHER), 'the vaulted text is never printed');
    for (const f of allFiles(stateDir)) assert.ok(!readFileSync(f, 'utf8').includes(CIPHER), `the vaulted text is not in ${f}`);
  });
}
