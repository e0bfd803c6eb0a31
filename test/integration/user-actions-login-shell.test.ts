// A user action on a host whose login shell is fish: a real OpenSSH server hands every command to
// `fish -c` (ForceCommand, as a fish login shell would). The action's POSIX template (a for loop,
// ${VAR:+...}, $((...))) with hostile values runs as written because remlite sends it through
// `sh -c`; the same command line given to fish directly is a syntax error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { renderTemplate, parseTemplate } from '../../src/actions/user/template.js';

const FISH = '/usr/bin/fish';
const skip = sshdUnavailableReason() ?? (existsSync(FISH) ? false : `${FISH} is not installed (apt-get install fish)`);
const hostileName = `it's $(touch /tmp/remlite-fish-canary)`;
const hostilePool = 'a b; echo x';

let sshd: PlainSshd;
let core: RemliteConsole | undefined;
let dir = '';
let out = '';
let template = '';

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'remlite-fish-'));
  out = join(dir, 'values');
  template = `for v in {host} {pool}; do printf '%s\\n' "$v"; done > ${out}; x=\${HOME:+home-set}; echo "$x $((6*7))" >> ${out}`;
  sshd = await startSshd({ address: '127.78.12.3', extraConfig: [`ForceCommand exec ${FISH} -c "$SSH_ORIGINAL_COMMAND"`] });
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, stringify({ hosts: [{ name: 'fishhost', address: sshd.address, port: sshd.port, user: 'root', key: sshd.clientKeyPath, known_hosts: sshd.knownHostsPath }] }));
  const real = (await loadFleet({ inventoryPath: inventory, noSshConfig: true, includeLocal: false })).machines[0]!;
  const parsed = parseUserActions(`actions:\n  - name: values\n    key: V\n    scope: host\n    command: ${JSON.stringify(template)}\n`, join(dir, 'actions.yaml'));
  assert.deepEqual(parsed.issues, []);
  core = createConsole({
    machines: [{ ...real, name: hostileName, pool: hostilePool }],
    auditPath: join(dir, 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 4,
    logScrollback: 100,
    userActions: parsed.actions,
  });
  core.poller.start();
  await waitFor('a probe of the fish host', () => core!.store.getState().hosts['fishhost']?.last?.reach);
});

after(async () => {
  await core?.close();
  await sshd?.stop();
});

test('a POSIX template runs as written under a fish login shell, hostile values literal', { skip }, async () => {
  const parsed = parseTemplate(template);
  assert.ok('parts' in parsed);
  const raw = renderTemplate(parsed.parts, { host: hostileName, pool: hostilePool });
  const direct = spawnSync(FISH, ['-c', raw], { encoding: 'utf8' });
  assert.match(direct.stderr, /^fish: /m, 'fish itself cannot read the command line (what remlite must not rely on)');
  assert.equal(existsSync(out), false);

  const outcome = core!.intents.plan({ action: 'user:values', machineId: 'fishhost', params: {} });
  assert.ok('plan' in outcome, 'refused' in outcome ? outcome.refused : '');
  assert.ok(outcome.plan.command.startsWith('sh -c '), outcome.plan.command);
  await core!.intents.run(outcome.plan);
  const run = core!.store.getState().actions.find((a) => a.plan === outcome.plan);
  assert.equal(run?.state, 'succeeded', JSON.stringify(run?.result));
  assert.equal(readFileSync(out, 'utf8'), `${hostileName}\n${hostilePool}\nhome-set 42\n`);
  assert.equal(existsSync('/tmp/remlite-fish-canary'), false, 'no value ran');
});
