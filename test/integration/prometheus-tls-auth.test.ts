// The Prometheus provider over TLS (a CA file) and basic auth (password from a file), against a REAL
// Prometheus serving its API through --web.config.file: right credentials list the fleet; a wrong
// password or an untrusted certificate is a provider failure naming the cause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusConfig, prometheusUnavailableReason, startNodeExporter, startPrometheus, waitUntil, type Daemon } from '../support/prometheus-stack.js';
import { PrometheusProvider, resolvePrometheusConfig } from '../../providers/prometheus/index.js';

const dir = mkdtempSync(join(tmpdir(), 'remlite-prom-tls-'));
const PASSWORD = 'correct horse battery';

/** A bcrypt hash for Prometheus' basic_auth_users (libcrypt's blowfish through Python), or why there is none. */
function bcrypt(password: string): string | { skip: string } {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))', password], { encoding: 'utf8' });
  const hash = r.stdout?.trim() ?? '';
  return r.status === 0 && hash.startsWith('$2') ? hash : { skip: `no bcrypt hasher here (python3 crypt): ${r.stderr?.trim() || r.error?.message}` };
}

function prepare(): string | false {
  const why = prometheusUnavailableReason();
  if (why) return why;
  const hash = bcrypt(PASSWORD);
  if (typeof hash !== 'string') return hash.skip;
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (ssl.status !== 0) return `openssl could not make a certificate: ${ssl.stderr || ssl.error?.message}`;
  writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: ${join(dir, 'cert.pem')}\n  key_file: ${join(dir, 'key.pem')}\nbasic_auth_users:\n  remlite: '${hash}'\n`);
  writeFileSync(join(dir, 'password'), PASSWORD + '\n', { mode: 0o600 });
  writeFileSync(join(dir, 'wrong'), 'nope\n', { mode: 0o600 });
  return false;
}

const skip = prepare();
const daemons: Daemon[] = [];
let url = '';

/** GET over TLS with the right credentials: 200, and whether the body holds `needle`. */
function fetchOk(u: string, needle = ''): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(u, { ca: readFileSync(join(dir, 'cert.pem')), auth: `remlite:${PASSWORD}`, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes(needle)));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

before(async () => {
  if (skip) return;
  const exporter = await startNodeExporter();
  daemons.push(exporter);
  const prom = await startPrometheus(prometheusConfig('node', [{ target: `${exporter.address}:${exporter.port}`, labels: { host: 'tls-host' } }], 1), { configFile: join(dir, 'web.yml'), isReady: (u) => fetchOk(u) });
  daemons.push(prom);
  url = prom.url;
  await waitUntil('the first scrape of the exporter', () => fetchOk(`${url}/api/v1/query?query=${encodeURIComponent('up{host="tls-host"} == 1')}`, '"tls-host"'));
});

after(async () => {
  for (const d of daemons.reverse()) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

const provider = (settings: Parameters<typeof resolvePrometheusConfig>[0]) => new PrometheusProvider(resolvePrometheusConfig({ labels: { name: 'host' }, ...settings }, [url], { home: dir })!);

test('TLS with the CA file and basic auth from a password file: the fleet is listed', { skip }, async () => {
  assert.match(url, /^https:/);
  const snap = await provider({ caFile: join(dir, 'cert.pem'), basicAuth: { user: 'remlite', passwordFile: join(dir, 'password') } }).refresh();
  const [part] = Object.values(snap.parts);
  assert.equal(part!.ok, true, part!.message);
  assert.deepEqual(snap.machines.map((m) => m.id), ['tls-host']);
});

test('a wrong password is a provider failure (HTTP 401); so is a certificate the CA file does not vouch for', { skip }, async () => {
  const wrong = await provider({ caFile: join(dir, 'cert.pem'), basicAuth: { user: 'remlite', passwordFile: join(dir, 'wrong') } }).refresh();
  const [denied] = Object.values(wrong.parts);
  assert.equal(denied!.ok, false);
  assert.match(denied!.message ?? '', /HTTP 401/);
  assert.deepEqual(wrong.machines, []);
  const untrusted = await provider({ basicAuth: { user: 'remlite', passwordFile: join(dir, 'password') } }).refresh();
  const [tls] = Object.values(untrusted.parts);
  assert.equal(tls!.ok, false);
  assert.match(tls!.message ?? '', /self[- ]signed|certificate/i);
});
