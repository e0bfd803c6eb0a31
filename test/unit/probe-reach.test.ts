// The reach section of the probe: learned sockets and declared health checks, run by the real
// script under /bin/sh on this machine against real local servers (one answering HTTP, one that
// accepts and never answers, a closed port). Plus the pure parts: planning (unsafe values dropped)
// and parsing (a lying host's lines refused).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createTcp, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { parseReach } from '../../src/probe/parse-reach.js';
import { plannedReach } from '../../src/probe/script-reach.js';
import { runShellScript } from '../../src/probe/run-local.js';
import { NO_CHECKS, type HostChecks, type LearnedState } from '../../src/model/index.js';

function hasTools(): boolean {
  try {
    execFileSync('/bin/sh', ['-c', 'command -v bash && command -v timeout'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = hasTools() ? false : 'bash or timeout is not installed here: the reach section cannot run';

const held: Socket[] = [];
const servers: Server[] = [];
after(() => {
  for (const s of held) s.destroy();
  for (const s of servers) s.close();
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('learned sockets and declared health checks run from the host: answers, a frozen server (timeout) and a closed port', { skip }, async () => {
  const web = await listen(createHttp((req, res) => {
    res.statusCode = req.url === '/health' ? 500 : 200;
    res.end();
  }));
  const frozen = await listen(createTcp((s) => held.push(s)) as unknown as Server);
  const closedServer = createTcp();
  const closed = await listen(closedServer as unknown as Server);
  await new Promise<void>((resolve) => closedServer.close(() => resolve()));

  const learned: LearnedState = {
    units: [],
    sockets: [
      { unit: 'apache2.service', address: '127.0.0.1', port: web, protocol: 'http' },
      { unit: 'frozen.service', address: '127.0.0.1', port: frozen, protocol: 'http' },
      { unit: 'gone.service', address: '127.0.0.1', port: closed, protocol: 'tcp' },
      { unit: 'held.service', address: '127.0.0.1', port: frozen, protocol: 'tcp' },
    ],
  };
  const checks: HostChecks = {
    ...NO_CHECKS,
    health: [
      { service: 'apache2', http: `http://127.0.0.1:${web}/health`, expect: 200 },
      { service: 'apache2', http: `http://127.0.0.1:${web}/` },
      { service: 'queue', cmd: 'echo "  250"', max: 100 },
      { service: 'queue2', cmd: 'echo 3', max: 100 },
      { service: 'liar', cmd: 'echo "@@remlite end"; echo many', max: 1 },
      { service: 'exit', cmd: 'exit 4' },
    ],
  };
  const run = await runShellScript(buildProbeScript([], checks, learned), 60_000);
  const parsed = parseProbeOutput(run.stdout);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  const byCheck = Object.fromEntries((parsed.probe.reach ?? []).map((r) => [`${r.service} ${r.check}`, r.ok ? 'ok' : r.detail]));
  assert.deepEqual(byCheck, {
    [`apache2 HEAD / on 127.0.0.1:${web}`]: 'ok',
    [`frozen HEAD / on 127.0.0.1:${frozen}`]: 'no answer in 5 s',
    [`gone connect to 127.0.0.1:${closed}`]: 'connection refused or unreachable',
    [`held connect to 127.0.0.1:${frozen}`]: 'ok',
    [`apache2 GET http://127.0.0.1:${web}/health (expect 200)`]: 'status 500',
    [`apache2 GET http://127.0.0.1:${web}/ (expect status < 400)`]: 'ok',
    ['queue echo "  250" (max 100)']: 'output 250',
    ['queue2 echo 3 (max 100)']: 'ok',
    ['liar echo "@@remlite end"; echo many (max 1)']: 'output is not a number',
    ['exit exit 4 (exit 0)']: 'exit status 4',
  });
});

test('planning drops unsafe learned sockets and health values before they reach the script', () => {
  const { checks, dropped } = plannedReach(
    [
      { unit: 'a.service', address: '$(reboot)', port: 80, protocol: 'tcp' },
      { unit: 'b.service', address: '127.0.0.1', port: 0, protocol: 'tcp' },
      { unit: 'c.service', address: '127.0.0.1', port: 80, protocol: 'http' },
    ],
    [
      { service: 'x', http: 'https://127.0.0.1/' },
      { service: 'x', tcp: 22, host: 'a b' },
      { service: 'x', cmd: 'a\nb' },
      { service: 'x', cmd: 'true', max: -1 },
      { service: 'x;id', tcp: 22 },
      { service: 'ok', cmd: "printf '%s' \"$(id)\" ; true" },
    ],
  );
  assert.equal(dropped, 7);
  assert.deepEqual(checks.map((c) => `${c.service} ${c.kind}`), ['c http', 'ok cmd']);
  const script = buildProbeScript([], { ...NO_CHECKS, health: [{ service: 'ok', cmd: "echo '; reboot'" }] });
  assert.match(script, /rk declared ok 'echo '\\''; reboot'\\'' \(exit 0\)' cmd 'echo '\\''; reboot'\\''' '' &/);
  assert.doesNotMatch(buildProbeScript([], NO_CHECKS), /section reach/, 'no section without checks');
});

test('the parser refuses reach lines a host forged: odd services, non-digit details, unknown origins', () => {
  const warnings: string[] = [];
  const r = parseReach(
    [
      'R 0 learned apache2\tHEAD / on 127.0.0.1:80\t200',
      'R 124 learned apache2\tHEAD / on 127.0.0.1:80\t',
      'R 0 learned a;reboot\tx\t',
      'R 0 magic x\tx\t',
      'R 10 declared x\tGET http://x/ (expect 200)\tfive hundred',
      'R 10 declared x\tGET http://x/ (expect 200)\t503',
    ],
    (w) => warnings.push(w),
  );
  assert.deepEqual(r.map((x) => `${x.service} ${x.ok} ${x.detail ?? ''}`), ['apache2 true ', 'apache2 false no answer in 5 s', 'x false status 503']);
  assert.equal(warnings.length, 3);
});
