// Scale through Prometheus: 10,000 hosts read from a REAL Prometheus (the Debian binary, its own temp
// dir and loopback port) scraping a synthetic exporter (prom-exporter.ts, its own process) that serves
// node_exporter series for every host, federation-style: `honor_labels: true`, one `instance` per host
// (127.80.x.y, nothing listens) and a per-host `up` series, since the scrape's own `up` is one per
// target. The console runs in a third process (prom-console.ts) so its CPU and RSS are its own.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PROMETHEUS_BIN, promQuery, startPrometheus, waitUntil, type PrometheusServer } from '../test/support/prometheus-stack.js';
import { promFleet } from './prom-fleet.js';
import { figure, type Figure } from './stats.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);

/** prometheus.yml: the exporter as one target of job "federate"; its series keep their own job="node" (honor_labels). */
export function scaleConfig(target: string, scrapeSec: number): string {
  return [
    'global:',
    `  scrape_interval: ${scrapeSec}s`,
    `  scrape_timeout: ${scrapeSec}s`,
    'scrape_configs:',
    '  - job_name: federate',
    '    honor_labels: true',
    '    static_configs:',
    `      - targets: [${JSON.stringify(target)}]`,
    '',
  ].join('\n');
}

export function lineOf(child: ReturnType<typeof spawn>, what: string, limitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${limitMs / 1000} s`)), limitMs);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code}`));
    });
  });
}

/** BENCH_PROM_CPU_PROF=DIR: the console process writes a .cpuprofile there (node --cpu-prof), to find what a refresh spends. */
const profileFlags = () => (process.env['BENCH_PROM_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROM_CPU_PROF']}`] : []);

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

export async function benchPrometheusScale(): Promise<Figure[]> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} is not installed (apt-get install prometheus)`);
  const hosts = Number(process.env['BENCH_PROM_HOSTS'] ?? 10_000);
  const scrapeSec = Number(process.env['BENCH_PROM_SCRAPE_S'] ?? 90);
  const live = promFleet(hosts).filter((h) => h.fault !== 'unreachable').length;
  const exporter = spawn(process.execPath, [path.join(HERE, 'prom-exporter.js'), String(hosts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let prom: PrometheusServer | undefined;
  try {
    const { port } = JSON.parse(await lineOf(exporter, 'the synthetic exporter', 120_000)) as { port: number };
    prom = await startPrometheus(scaleConfig(`127.0.0.1:${port}`, scrapeSec));
    const p = prom;
    const count = async (q: string) => (await promQuery(p.url, `count(${q})`).catch(() => []))[0]?.value[1];
    const started = performance.now();
    await waitUntil(`Prometheus holding ${hosts} hosts' series`, async () => (await count('up{job="node"}')) === String(hosts) && (await count('node_time_seconds{job="node"}')) === String(live), 900_000, 1000);
    const firstScrapeMs = performance.now() - started;
    const scrape = await promQuery(p.url, 'scrape_duration_seconds{job="federate"}');
    const samples = await promQuery(p.url, 'scrape_samples_scraped{job="federate"}');
    // As `npm start` runs the console: no V8 flags (prom-console.ts applies the heap settings), no --expose-gc.
    const consoleRun = spawn(process.execPath, [...profileFlags(), path.join(HERE, 'prom-console.js'), prom.url, String(hosts), process.env['BENCH_PROM_RUNS'] ?? '5', process.env['BENCH_KEYS'] ?? '60', String(prom.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { figures } = JSON.parse(await lineOf(consoleRun, 'the console process', 600_000)) as { figures: Figure[] };
    return [
      ...figures,
      figure(
        `prometheus: the real Prometheus, ${hosts} hosts (${samples[0]?.value[1] ?? '?'} series a scrape, every ${scrapeSec} s)`,
        'info',
        'MB RSS',
        [rssMb(prom.pid)],
        undefined,
        `one honor_labels target serving every host, federation-style, with a per-host up series (the scrape's own up is per target); scrape took ${Number(scrape[0]?.value[1] ?? NaN).toFixed(2)} s; ${(firstScrapeMs / 1000).toFixed(0)} s from start to every host held; node_cpu_seconds_total has only mode="idle" (what the provider reads)`,
      ),
    ];
  } finally {
    await prom?.stop();
    if (exporter.exitCode === null) exporter.kill('SIGTERM');
  }
}
