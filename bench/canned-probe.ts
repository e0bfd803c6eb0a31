// Realistic probe output for the in-process servers: the real probe script run once on this machine,
// with the hostname and load average varied per host and per poll.
import { spawnSync } from 'node:child_process';
import { buildProbeScript } from '../src/probe/script.js';
import { parseProbeOutput } from '../src/probe/parse.js';
import type { HostProbe } from '../src/model/index.js';

export const BENCH_SERVICES = ['cron', 'rsyslog'];

let base: string | undefined;

/** The probe script's real output on this machine (run once, cached). */
export function localProbeOutput(): string {
  if (base === undefined) {
    const r = spawnSync('sh', ['-s'], { input: buildProbeScript(BENCH_SERVICES), encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.status !== 0 && !r.stdout) throw new Error(`probe script failed locally: ${r.stderr}`);
    base = r.stdout;
  }
  return base;
}

/** Probe output for host `name`, poll number `poll`: hostname and load changed, the rest as measured. */
export function cannedOutput(name: string, load1: number): string {
  const lines = localProbeOutput().split('\n');
  const out: string[] = [];
  let section = '';
  for (const l of lines) {
    if (l.startsWith('@@remlite ')) section = l.slice(10);
    if (section === 'meta' && l.startsWith('hostname=')) out.push(`hostname=${name}`);
    else if (section === 'meta' && l.startsWith('epoch=')) out.push(`epoch=${Math.floor(Date.now() / 1000)}`);
    else if (section === 'loadavg' && !l.startsWith('@@')) out.push(`${load1.toFixed(2)} 0.50 0.40 1/200 4242`);
    else out.push(l);
  }
  return out.join('\n');
}

export function cannedProbe(name: string, i: number): HostProbe {
  const parsed = parseProbeOutput(cannedOutput(name, (i % 17) / 10));
  if (!parsed.ok) throw new Error(`canned probe does not parse: ${parsed.error}`);
  return parsed.probe;
}
