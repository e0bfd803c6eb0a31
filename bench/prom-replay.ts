// A replay of the Prometheus scale bench's answers, for A/B runs of the console's side alone: the
// real Prometheus costs several seconds of CPU a refresh on the same cores, which drowns a change of
// 100 ms in the console. `capture DIR` starts the exporter and the real Prometheus as
// prometheus-scale.ts does and keeps the answers to the provider's 25 queries after each of three
// scrapes; `serve DIR` answers those queries from loopback, a new "scrape" every SCRAPE_MS (5 s),
// the three sets in turn, with the scrape times (and the hosts' clocks, so no clock skew appears)
// moved on, and prints {"port": N}. Then, as the bench runs the console:
//   node dist/bench/prom-console.js http://127.0.0.1:N 10000 6 30
// Usage: node dist/bench/prom-replay.js capture DIR [HOSTS] | serve DIR
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { queryAnswer } from '../providers/prometheus/http-query.js';
import { fleetQueries } from '../providers/prometheus/queries.js';
import { promQuery, startPrometheus, waitUntil } from '../test/support/prometheus-stack.js';
import { LAST_SCRAPE_QUERY } from './prom-fleet.js';
import { lineOf, scaleConfig } from './prometheus-scale.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const SETS = ['A', 'B', 'C'];
/** The answers whose sample values are times: moved on with each replayed scrape. */
const TIMED = ['scrapedAt', 'host.t'];

/** An answer's text cut around its sample values: the values at odd indices. Pure. */
export function cutAtValues(body: string): string[] {
  return body.split(/(?<=,")(-?[0-9.]+)(?="\]\})/);
}

/** The answer with `delta` added to each sample value (three decimals, as Prometheus writes times). Pure. */
export function shiftValues(parts: readonly string[], delta: number): string {
  return parts.map((p, i) => (i % 2 ? (Number(p) + delta).toFixed(3) : p)).join('');
}

async function capture(dir: string, hosts: number): Promise<void> {
  const exporter = spawn(process.execPath, [path.join(HERE, 'prom-exporter.js'), String(hosts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await lineOf(exporter, 'the synthetic exporter', 120_000);
  const prom = await startPrometheus(scaleConfig(`127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, 40));
  try {
    const target = { url: prom.url, auth: { kind: 'none' as const }, timeoutMs: 120_000 };
    const queries = fleetQueries('node', 'instance');
    const last = async () => Number((await promQuery(prom.url, LAST_SCRAPE_QUERY))[0]?.value[1] ?? 0);
    let seen = 0;
    for (const set of SETS) {
      await waitUntil('a new scrape of every host', async () => (await last()) > seen && Number((await promQuery(prom.url, 'count(up{job="node"})'))[0]?.value[1] ?? 0) === hosts, 900_000, 1000);
      seen = await last();
      mkdirSync(path.join(dir, set), { recursive: true });
      for (const [name, q] of Object.entries(queries)) writeFileSync(path.join(dir, set, `${name}.json`), await queryAnswer(target, q));
      process.stderr.write(`prom-replay: set ${set} (scrape at ${seen})\n`);
    }
    writeFileSync(path.join(dir, 'queries.json'), JSON.stringify(queries));
  } finally {
    await prom.stop();
    exporter.kill('SIGTERM');
  }
}

function serve(dir: string): void {
  const scrapeMs = Number(process.env['SCRAPE_MS'] ?? 5000);
  const queries = JSON.parse(readFileSync(path.join(dir, 'queries.json'), 'utf8')) as Record<string, string>;
  const nameOf = new Map(Object.entries(queries).map(([n, q]) => [q, n]));
  const sets = SETS.map((set) => {
    const bodies = new Map(readdirSync(path.join(dir, set)).map((f) => [f.replace(/\.json$/, ''), readFileSync(path.join(dir, set, f))]));
    const timed = new Map(TIMED.map((n) => [n, cutAtValues(bodies.get(n)!.toString('utf8'))]));
    const scrape = Math.max(...timed.get('scrapedAt')!.filter((_, i) => i % 2).map(Number));
    return { bodies, timed, scrape };
  });
  const start = Date.now();
  let answered = 0;
  const round = () => Math.floor((Date.now() - start) / scrapeMs);
  const scrapeTime = () => Math.floor(start / 1000) + (round() * scrapeMs) / 1000;
  const server = http.createServer((req, res) => {
    let form = '';
    req.on('data', (d: Buffer) => (form += d.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      if (url.pathname === '/metrics') return void res.end(`prometheus_http_requests_total{code="200",handler="/api/v1/query"} ${answered}\n`);
      const q = new URLSearchParams(form).get('query') ?? url.searchParams.get('query');
      res.setHeader('content-type', 'application/json');
      if (q === LAST_SCRAPE_QUERY) return void res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, String(scrapeTime())] }] } }));
      const name = q ? nameOf.get(q) : undefined;
      if (!name) {
        res.statusCode = 400;
        return void res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `not a captured query: ${q}` }));
      }
      answered++;
      const set = sets[round() % sets.length]!;
      const cut = set.timed.get(name);
      res.end(cut ? shiftValues(cut, scrapeTime() - set.scrape) : set.bodies.get(name));
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [mode, dir, hosts] = process.argv.slice(2);
  if (mode === 'capture' && dir) {
    capture(dir, Number(hosts ?? 10_000)).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`prom-replay: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  } else if (mode === 'serve' && dir) serve(dir);
  else {
    process.stderr.write('usage: prom-replay.js capture DIR [HOSTS] | serve DIR\n');
    process.exit(2);
  }
}
