// Declared health checks (`health:` in the inventory): parsed into Machine.checks.health, every
// malformed entry refused at its line with a hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadInventory } from '../../providers/datacenter.js';
import { parseHealthUrl } from '../../src/util/health-url.js';

async function load(text: string): Promise<Awaited<ReturnType<typeof loadInventory>> | InventoryError> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-health-'));
  mkdirSync(path.join(dir, '.ssh'));
  const file = path.join(dir, 'inventory.yaml');
  writeFileSync(file, text);
  try {
    return await loadInventory(file, { home: dir, localUser: 'tester', fileExists: (f) => f.startsWith(dir) && existsSync(f) });
  } catch (err) {
    if (err instanceof InventoryError) return err;
    throw err;
  }
}

const HOST = 'hosts:\n  - name: web1\n    address: 10.0.0.5\n';

test('health: http (expect), tcp (host) and cmd (max) entries reach Machine.checks.health as declared', async () => {
  const r = await load(`${HOST}    health:
      - { service: apache2, http: "http://127.0.0.1/health", expect: 200 }
      - { service: mariadb, tcp: 3306 }
      - { service: ssh, tcp: 22, host: 10.0.0.5 }
      - { service: postfix, cmd: "postqueue -j | wc -l", max: 100 }
      - { service: cron, http: "http://[::1]:8080/x?y=1" }
`);
  assert.ok(!(r instanceof InventoryError), r instanceof InventoryError ? r.message : '');
  assert.deepEqual(r[0]?.checks?.health, [
    { service: 'apache2', http: 'http://127.0.0.1/health', expect: 200 },
    { service: 'mariadb', tcp: 3306 },
    { service: 'ssh', tcp: 22, host: '10.0.0.5' },
    { service: 'postfix', cmd: 'postqueue -j | wc -l', max: 100 },
    { service: 'cron', http: 'http://[::1]:8080/x?y=1' },
  ]);
});

test('health in defaults applies to every host; no health key leaves checks.health absent', async () => {
  const r = await load(`defaults:\n  health: [{ service: ssh, tcp: 22 }]\n${HOST}  - name: web2\n    address: 10.0.0.6\n    health: []\n`);
  assert.ok(!(r instanceof InventoryError));
  assert.deepEqual(r[0]?.checks?.health, [{ service: 'ssh', tcp: 22 }]);
  assert.equal(r[1]?.checks?.health, undefined);
});

test('malformed health checks are refused with their reason', async () => {
  const cases: [string, RegExp][] = [
    ['{ http: "http://127.0.0.1/" }', /health check without a "service"/],
    ['{ service: "a;id", tcp: 1 }', /unsafe service name "a;id"/],
    ['{ service: a }', /exactly one of http, tcp or cmd \(got none\)/],
    ['{ service: a, tcp: 1, cmd: x }', /exactly one of http, tcp or cmd \(got tcp, cmd\)/],
    ['{ service: a, http: "https://x/" }', /is not a plain http/],
    ['{ service: a, http: "http://u:p@x/" }', /is not a plain http/],
    ['{ service: a, http: "http://x/", expect: 99 }', /"expect" must be an HTTP status/],
    ['{ service: a, tcp: 70000 }', /"tcp" must be a port number/],
    ['{ service: a, tcp: 1, host: "x;id" }', /is not a host name or address/],
    ['{ service: a, cmd: "a\\nb" }', /must be one line of shell/],
    ['{ service: a, cmd: x, max: -1 }', /"max" must be a whole number/],
    ['{ service: a, tcp: 1, max: 3 }', /"max" belongs to cmd health checks/],
    ['{ service: a, tcp: 1, timeout: 3 }', /unknown key "timeout" in a health check/],
  ];
  for (const [entry, reason] of cases) {
    const r = await load(`${HOST}    health:\n      - ${entry}\n`);
    assert.ok(r instanceof InventoryError, `refused: ${entry}`);
    assert.match(r.reason, reason, entry);
    assert.equal(r.line, 5, entry);
  }
  const notList = await load(`${HOST}    health: { service: a, tcp: 1 }\n`);
  assert.ok(notList instanceof InventoryError && /"health" must be a list/.test(notList.reason));
});

test('parseHealthUrl takes plain http URLs only', () => {
  assert.deepEqual(parseHealthUrl('http://127.0.0.1/health'), { host: '127.0.0.1', port: 80, path: '/health' });
  assert.deepEqual(parseHealthUrl('http://web1:8080'), { host: 'web1', port: 8080, path: '/' });
  assert.equal(parseHealthUrl('http://x/a b'), undefined);
  assert.equal(parseHealthUrl("http://x/'$(id)'")?.path, "/'$(id)'", 'a printable path passes as it is: the probe quotes it');
  assert.equal(parseHealthUrl('http://-x/'), undefined);
  assert.equal(parseHealthUrl('ftp://x/'), undefined);
});
