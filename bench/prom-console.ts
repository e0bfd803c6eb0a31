// The console half of the Prometheus scale bench, in its own node process (started with the flags of
// `npm start`, no forced GC) so its CPU time and RSS are the console's alone: the real console, the
// real Prometheus provider and the grid rendered by Ink to a recording terminal. Prints one JSON line
// {figures: Figure[]}. Usage: node prom-console.js PROMETHEUS_URL HOSTS RUNS KEYS
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { installLeanImports } from '../views/terminal/lean-imports.js';
import { createConsole } from '../src/app/console.js';
import { applyHeapSettings, newSpaceBytes } from '../src/util/heap-settings.js';
import { SETTINGS_DEFAULTS } from '../src/persist/settings.js';
import { PrometheusProvider, resolvePrometheusConfig } from '../providers/prometheus/index.js';
import { instantQuery } from '../providers/prometheus/http-query.js';
import { httpText } from '../providers/prometheus/http-text.js';
import { FakeTtyIn, FakeTtyOut } from './fake-tty.js';
import { threadSplitMs, threadTicks, treeCpuMs } from './proc-cpu.js';
import { LAST_SCRAPE_QUERY, promFleet } from './prom-fleet.js';
import { frameAfter } from './ui-fleet.js';
import { figure, percentile, sleep, type Figure } from './stats.js';

const MB = 1024 * 1024;
const [url, hostsArg, runsArg, keysArg, promPidArg] = process.argv.slice(2);
/** The Prometheus server's pid: its CPU during each refresh is the fleet's side of the cost. */
const promPid = promPidArg ? Number(promPidArg) : undefined;
const hosts = Number(hostsArg ?? 10_000);
const runs = Number(runsArg ?? 5);
const keys = Number(keysArg ?? 60);

async function until(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main(): Promise<Figure[]> {
  const cfg = resolvePrometheusConfig({ urls: [url!], timeoutSec: Number(process.env['BENCH_PROM_TIMEOUT_S'] ?? 600) }, [], { home: tmpdir() })!;
  const target = { url: cfg.urls[0]!, auth: cfg.auth, timeoutMs: 30_000 };
  // The latest scrape Prometheus holds (seconds): a measured refresh waits for a new one, or the poller would skip it as already seen.
  const lastScrape = async () => (await instantQuery(target, LAST_SCRAPE_QUERY))[0]?.value ?? 0;
  // Instant queries Prometheus has answered so far, from its own counter: how many a refresh asked
  // (fewer while the slow queries' answers are kept, see providers/prometheus/server-query.ts).
  const queriesAnswered = async () => {
    // node:http, as the provider reads Prometheus: `fetch` would load undici and its WebAssembly HTTP
    // parser into this process (16 MB more RSS in a bare node), counted though the console never uses it.
    const { status, text } = await httpText(target, { path: '/metrics', maxBytes: 256 * 1024 * 1024 });
    if (status !== 200) throw new Error(`GET ${target.url}/metrics: HTTP ${status}`);
    let n = 0;
    for (const m of text.matchAll(/^prometheus_http_requests_total\{[^}]*handler="\/api\/v1\/query"[^}]*\} (\d+)$/gm)) n += Number(m[1]);
    return n;
  };
  // As run-tui.ts does before the console starts.
  applyHeapSettings();
  const core = createConsole({
    machines: [],
    auditPath: path.join(mkdtempSync(path.join(tmpdir(), 'remlite-prom-bench-')), 'audit.log'),
    pollIntervalMs: SETTINGS_DEFAULTS.pollIntervalMs,
    probeTimeoutMs: SETTINGS_DEFAULTS.probeTimeoutMs,
    slowThresholdMs: SETTINGS_DEFAULTS.slowThresholdMs,
    maxConcurrent: SETTINGS_DEFAULTS.maxConcurrent,
    logScrollback: SETTINGS_DEFAULTS.logScrollback,
    // Refreshes here are the bench's own (refreshNow); the timer's would land between them.
    metrics: { provider: new PrometheusProvider(cfg), refreshMs: 3_600_000, sshIdleMs: cfg.sshIdleMs },
  });
  const stdin = new FakeTtyIn();
  const out = new FakeTtyOut(120, 40);
  const selection = out.watch(new RegExp(`(\\d+)/${hosts} sort`));
  process.env['NODE_ENV'] ??= 'production';
  installLeanImports();
  const { startTui } = await import('../views/terminal/start-tui.js');
  const { pickTheme } = await import('../views/theme.js');
  const tui = startTui({ store: core.store, intents: core.intents, stdin: stdin as unknown as NodeJS.ReadStream, stdout: out as unknown as NodeJS.WriteStream, theme: pickTheme('default') });
  const figures: Figure[] = [];
  try {
    core.poller.start();
    // (a) One refresh: the queries, parsing, mapping, the detectors, the store, and the frame that shows it.
    const cpuMs: number[] = [];
    const asked: number[] = [];
    const promCpuMs: number[] = [];
    const wallMs: number[] = [];
    const split: ReturnType<typeof threadSplitMs>[] = [];
    let seen = 0;
    for (let r = 0; r < runs; r++) {
      const end = Date.now() + 180_000;
      let scrape = await lastScrape();
      while (scrape <= seen && Date.now() < end) {
        await sleep(250);
        scrape = await lastScrape();
      }
      if (scrape <= seen) throw new Error('Prometheus made no new scrape of the exporter in 180 s');
      seen = scrape;
      const applied = () => {
        const s = core.store.getState();
        return s.order.length >= hosts && s.order.every((id) => (s.hosts[id]?.last?.at ?? 0) >= scrape * 1000);
      };
      const queries0 = await queriesAnswered();
      const prom0 = promPid ? treeCpuMs([promPid]) : 0;
      const threads0 = threadTicks();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await core.metricsRefresh!.refreshNow();
      await until(applied, 900_000, `refresh ${r + 1} in the store`).catch((err: Error) => {
        const s = core.store.getState();
        const fresh = s.order.filter((id) => (s.hosts[id]?.last?.at ?? 0) >= scrape * 1000).length;
        throw new Error(`${err.message}: ${s.order.length} rows, ${fresh} with the scrape at ${scrape}; providers ${JSON.stringify(s.providers)}`);
      });
      await frameAfter(out, performance.now() - 1, () => true, 2000);
      const cpu = process.cpuUsage(cpu0);
      split.push(threadSplitMs(threads0, threadTicks(), process.pid));
      wallMs.push(performance.now() - t0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      if (promPid) promCpuMs.push(treeCpuMs([promPid]) - prom0);
      asked.push((await queriesAnswered()) - queries0);
    }
    const note = `runs (cpu ms): ${cpuMs.map((c) => c.toFixed(0)).join(' ')}; queries each asked (Prometheus' own count): ${asked.join(' ')}, fewer while the slow queries' answers are kept (5 min); the first run also composes the fleet (${hosts} new rows); each run waits for a new scrape first; by thread (ms, from /proc, 10 ms ticks; main / busiest other, the query worker / the rest, V8's collector and compiler helpers): ${split.map((t) => `${t.main.toFixed(0)}/${t.busiest.toFixed(0)}/${t.rest.toFixed(0)}`).join(' ')}`;
    figures.push(
      figure(`prometheus: one refresh of ${hosts} hosts, console CPU (query+parse+detect+store+frame)`, '<= 1000 ms', 'ms', cpuMs, (m) => m <= 1000, note),
      figure(`prometheus: one refresh of ${hosts} hosts, wall`, 'info', 'ms', wallMs, undefined, 'includes Prometheus answering the queries and the poller batch (250 ms)'),
      ...(promCpuMs.length
        ? [figure(`prometheus: one refresh of ${hosts} hosts, Prometheus server CPU`, 'info', 'ms', promCpuMs, undefined, `the server evaluating the refresh's queries (each refresh starts right after a scrape landed, so no scrape falls in it); runs: ${promCpuMs.map((c) => c.toFixed(0)).join(' ')}`)]
        : []),
    );

    // The grid must hold what the series say: every host, and exactly the expected findings.
    figures.push(checkFindings(core.store.getState()));

    // (b) Keypresses in the grid while refreshes run back to back: at least `keys` keys and a refresh landed meanwhile.
    const keyLatency: number[] = [];
    let missing = 0;
    let landed = 0;
    let keying = true;
    const refreshes = (async () => {
      while (keying) {
        await core.metricsRefresh!.refreshNow();
        landed++;
      }
    })();
    const start = Number(selection() ?? 1);
    for (let k = 0; (k < keys || landed < 1) && k < 5000; k++) {
      const expect = start + k + 1;
      const sent = performance.now();
      stdin.press('j');
      const f = await frameAfter(out, sent, (fr) => fr.text.includes(`${expect}/${hosts} sort`));
      if (f) keyLatency.push(f.at - sent);
      else missing++;
      await sleep(120 + ((k * 37) % 200));
    }
    keying = false;
    await refreshes;
    figures.push(
      figure(`prometheus: keypress (j) -> frame, ${hosts} hosts, refreshes landing`, '<= 30 ms', 'ms', keyLatency, (m) => m <= 30 && missing === 0, `p95 ${percentile(keyLatency, 95).toFixed(1)} ms; ${keyLatency.length} keys timed, ${missing} without a frame in 3 s; ${landed} refreshes landed during the keys (back to back; one of a scrape already seen skips the detectors)`),
      figure(`prometheus: keypress (j) -> frame, ${hosts} hosts, p95`, '<= 50 ms', 'ms', [percentile(keyLatency, 95)], (m) => m <= 50),
    );

    // (c) RSS with the fleet held, no forced GC: a sample a second for 10 s after the keys.
    const rss: number[] = [];
    let mostNewSpace = 0;
    for (let i = 0; i < 10; i++) {
      rss.push(process.memoryUsage().rss / MB);
      mostNewSpace = Math.max(mostNewSpace, newSpaceBytes());
      await sleep(1000);
    }
    const m = process.memoryUsage();
    // BENCH_PROM_HEAP_SNAPSHOT=FILE: what the main thread holds with the fleet shown (for finding what the RSS is).
    if (process.env['BENCH_PROM_HEAP_SNAPSHOT']) writeHeapSnapshot(process.env['BENCH_PROM_HEAP_SNAPSHOT']);
    figures.push(
      figure(`prometheus: console RSS, ${hosts} hosts (no forced GC)`, '<= 300 MB', 'MB', rss, () => Math.max(...rss) <= 300, `max ${Math.max(...rss).toFixed(0)} MB; heap ${(m.heapUsed / MB).toFixed(0)}/${(m.heapTotal / MB).toFixed(0)} MB used/committed, external ${(m.external / MB).toFixed(0)} MB; new space ${(newSpaceBytes() / MB).toFixed(0)} MB (largest seen ${(mostNewSpace / MB).toFixed(0)} MB); heap settings as npm start`),
    );
  } finally {
    tui.unmount();
    await core.close();
  }
  return figures;
}

/** Hosts in the store and hosts per finding class, against the plan prom-fleet.ts served. */
function checkFindings(state: ReturnType<ReturnType<typeof createConsole>['store']['getState']>): Figure {
  const plan = promFleet(hosts);
  const expected = new Map<string, Set<string>>();
  for (const h of plan) if (h.fault) expected.set(h.fault, (expected.get(h.fault) ?? new Set()).add(h.address));
  const got = new Map<string, Set<string>>();
  for (const id of state.order) for (const f of state.hosts[id]?.findings ?? []) got.set(f.class, (got.get(f.class) ?? new Set()).add(id));
  const problems: string[] = [];
  if (state.order.length !== hosts) problems.push(`${state.order.length} rows, expected ${hosts}`);
  for (const cls of new Set([...expected.keys(), ...got.keys()])) {
    const want = expected.get(cls) ?? new Set<string>();
    const have = got.get(cls) ?? new Set<string>();
    const missingHosts = [...want].filter((h) => !have.has(h));
    const extra = [...have].filter((h) => !want.has(h));
    if (missingHosts.length || extra.length) problems.push(`${cls}: ${missingHosts.length} expected hosts without it (${missingHosts.slice(0, 2).join(', ')}), ${extra.length} unexpected (${extra.slice(0, 2).join(', ')})`);
  }
  const counts = [...expected].map(([cls, set]) => `${cls} ${got.get(cls)?.size ?? 0}/${set.size}`).join(', ');
  return figure(`prometheus: rows and findings as served (${hosts} hosts)`, 'all', 'rows', [state.order.length], () => problems.length === 0, problems.length ? `WRONG: ${problems.join('; ')}` : `every host a row; hosts with each finding: ${counts}; no other finding`);
}

main().then(
  (figures) => {
    process.stdout.write(`${JSON.stringify({ figures })}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`prom-console: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
