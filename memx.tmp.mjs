import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import ssh2 from 'ssh2';
const N = Number(process.argv[2] ?? 300);
const mu = (l) => { globalThis.gc(); const m = process.memoryUsage(); console.log(l.padEnd(14), 'rss', (m.rss/1048576).toFixed(0), 'heap', (m.heapUsed/1048576).toFixed(0), 'ext', (m.external/1048576).toFixed(0), 'ab', (m.arrayBuffers/1048576).toFixed(1)); };
const fleet = spawn(process.execPath, ['dist/bench/fake-fleet.js', String(N), '/tmp/memx'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((r) => createInterface({ input: fleet.stdout }).once('line', (l) => r(JSON.parse(l).ports)));
mu('before');
const key = readFileSync('/tmp/memx/client_ed25519');
const clients = await Promise.all(ports.map((port) => new Promise((res, rej) => { const c = new ssh2.Client(); c.on('ready', () => res(c)).on('error', rej).connect({ host: '127.0.0.1', port, username: 'x', privateKey: key, hostVerifier: () => true, keepaliveInterval: 15000 }); })));
mu('connected');
const run = (c) => new Promise((res) => c.exec('sh -s', (e, ch) => { let n = 0; ch.on('data', (d) => n += d.length).on('close', () => res(n)); ch.end('x'); }));
for (let k = 0; k < 3; k++) { await Promise.all(clients.map(run)); mu('after exec ' + k); }
for (const c of clients) c.end(); fleet.kill();
await new Promise(r => setTimeout(r, 500)); mu('closed');
process.exit(0);
