// Real Prometheus, node_exporter and Alertmanager (the Debian packages) for tests: each started on a
// free loopback port with its own temp data dir, ready once its HTTP endpoint answers, killed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { freePort } from './plain-sshd.js';
import { waitFor } from './wait-for.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Why these tests cannot run here, or undefined when they can. */
export function prometheusUnavailableReason(): string | undefined {
  for (const bin of [PROMETHEUS_BIN, NODE_EXPORTER_BIN]) if (!existsSync(bin)) return `${bin} is not installed (apt-get install prometheus prometheus-node-exporter)`;
  return undefined;
}

export interface Daemon {
  url: string;
  address: string;
  port: number;
  dir: string;
  pid: number;
  log(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: resolves once it has exited; its data dir is kept. */
  kill(): Promise<void>;
}

/** Waits until the async check holds (each check awaited before the next); the limit only guards against hangs. */
export async function waitUntil(what: string, check: () => Promise<boolean>, limitMs = 60_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET url → status code (0 when nothing answers). */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export function httpJson(url: string, method = 'GET', body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, timeout: 10_000, headers: data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        } catch {
          resolve({ status: res.statusCode ?? 0, json: text });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer`)));
    req.on('error', reject);
    req.end(data);
  });
}

async function spawnDaemon(
  name: string,
  bin: string,
  args: (dir: string, address: string, port: number) => string[],
  readyPath: string,
  opts: { scheme?: 'http' | 'https'; isReady?: (url: string) => Promise<boolean>; port?: number } = {},
): Promise<Daemon> {
  const address = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), `remlite-${name}-`));
  const port = opts.port ?? (await freePort(address));
  const logPath = join(dir, 'log');
  writeFileSync(logPath, '');
  const child: ChildProcess = spawn(bin, args(dir, address, port), { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = `${opts.scheme ?? 'http'}://${address}:${port}`;
  const isReady = opts.isReady ?? (async (u: string) => (await httpStatus(u)) === 200);
  const log = () => chunks.join('').slice(-4000);
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(hard);
    rmSync(dir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  let ready = false;
  void (async () => {
    while (!exited && !ready) {
      ready = await isReady(url + readyPath);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await waitFor(`${name} ready at ${url}${readyPath}`, () => ready || exited, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  if (exited) {
    const l = log();
    await stop();
    throw new Error(`${name} exited before it was ready:\n${l}`);
  }
  return { url, address, port, dir, pid: child.pid!, log, stop, kill };
}

/** A node_exporter with the given collector flags on a free loopback port. */
export function startNodeExporter(extraArgs: string[] = []): Promise<Daemon> {
  return spawnDaemon('node-exporter', NODE_EXPORTER_BIN, (_dir, address, port) => [`--web.listen-address=${address}:${port}`, ...extraArgs], '/metrics');
}

export interface ScrapeTarget {
  target: string;
  labels: Record<string, string>;
}

/** prometheus.yml: one static job scraping the targets every scrapeSec. */
export function prometheusConfig(job: string, targets: ScrapeTarget[], scrapeSec = 1): string {
  const lines = ['global:', `  scrape_interval: ${scrapeSec}s`, `  scrape_timeout: ${scrapeSec}s`, 'scrape_configs:', `  - job_name: ${JSON.stringify(job)}`, '    static_configs:'];
  for (const t of targets) {
    lines.push(`      - targets: [${JSON.stringify(t.target)}]`);
    lines.push(`        labels: ${JSON.stringify(t.labels)}`);
  }
  return lines.join('\n') + '\n';
}

export interface PrometheusServer extends Daemon {
  /** Rewrites prometheus.yml and asks the server to reload it (POST /-/reload). */
  reload(config: string): Promise<void>;
}

/** A real Prometheus with its own TSDB dir and the given config, on a free loopback port; `web` serves it over TLS and/or behind basic auth. */
export async function startPrometheus(config: string, web?: { configFile: string; isReady: (url: string) => Promise<boolean> }): Promise<PrometheusServer> {
  const cfgDir = mkdtempSync(join(tmpdir(), 'remlite-prometheus-cfg-'));
  const cfg = join(cfgDir, 'prometheus.yml');
  writeFileSync(cfg, config);
  const d = await spawnDaemon(
    'prometheus',
    PROMETHEUS_BIN,
    (dir, address, port) => [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
      ...(web ? [`--web.config.file=${web.configFile}`] : []),
    ],
    '/-/ready',
    web ? { scheme: 'https', isReady: web.isReady } : {},
  );
  return {
    ...d,
    async reload(next: string) {
      writeFileSync(cfg, next);
      const r = await httpJson(d.url + '/-/reload', 'POST');
      if (r.status !== 200) throw new Error(`prometheus reload: HTTP ${r.status}`);
    },
    async stop() {
      await d.stop();
      rmSync(cfgDir, { recursive: true, force: true });
    },
  };
}

/** A real Alertmanager (no clustering) with its own data dir, on a free loopback port or the given one (a restart). */
export function startAlertmanager(port?: number): Promise<Daemon> {
  return spawnDaemon(
    'alertmanager',
    ALERTMANAGER_BIN,
    (dir, address, port) => {
      writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: none\n  group_wait: 0s\nreceivers:\n  - name: none\n');
      return [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${address}:${port}`, '--cluster.listen-address=', '--log.level=warn'];
    },
    '/-/ready',
    port === undefined ? {} : { port },
  );
}

/** The instant query's samples (for asserting on what Prometheus itself holds). */
export async function promQuery(url: string, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await httpJson(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const j = r.json as { status: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (j?.status !== 'success') throw new Error(`query ${q}: HTTP ${r.status}`);
  return j.data!.result;
}
