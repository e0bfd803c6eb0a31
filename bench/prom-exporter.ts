// The Prometheus bench's synthetic exporter, its own process (its CPU is not the console's): serves
// the node_exporter series of N hosts (prom-fleet.ts) at /metrics on a free loopback port, and prints
// {"port": P} once listening. Load, memory, free space and the clock change from one scrape to the next. Usage: node prom-exporter.js HOSTS
import http from 'node:http';
import { exposition, promFleet } from './prom-fleet.js';

const hosts = Number(process.argv[2] ?? 10_000);
const body = exposition(promFleet(hosts));
const fixed = Buffer.from(body.fixed);
let scrapes = 0;

const server = http.createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  scrapes++;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.write(fixed);
  res.end(body.changing(scrapes, Date.now() / 1000));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`prom-exporter: ${scrapes} scrapes served\n`);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
