// The "what users feel" parts of `npm run bench` (README "Speed", What users feel): each a section
// BENCH_ONLY can pick, each closed by the machine's load average while it ran.
import { readFileSync } from 'node:fs';
import { figure, type Figure } from './stats.js';

export const USER_FEEL_SECTIONS = ['user-start', 'fault', 'logs-real', 'ec2-rows', 'ssh-1000', 'prometheus'] as const;

type Section = (name: string, run: () => Promise<Figure[]>) => Promise<void>;

const load = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

function withLoad(name: string, run: () => Promise<Figure[]>): () => Promise<Figure[]> {
  return async () => {
    const before = load();
    const figures = await run();
    const after = load();
    return [...figures, figure(`${name}: load average (1 min) before / after, 2 cores shared`, 'info', '', [before[0]!, after[0]!], undefined, `before ${before.join(' ')}, after ${after.join(' ')}`)];
  };
}

export async function runUserFeel(section: Section, only: ReadonlySet<string>, tmp: string, runs: number): Promise<void> {
  const on = (name: string) => only.has(name);
  if (on('user-start')) await section('user-start', withLoad('user-start', async () => (await import('./user-start.js')).benchUserStart(tmp, Math.min(runs, 5))));
  if (on('fault')) await section('fault', withLoad('fault', async () => (await import('./fault-to-screen.js')).benchFaultToScreen()));
  if (on('logs-real')) await section('logs-real', withLoad('logs-real', async () => (await import('./log-follow-real.js')).benchLogFollowReal()));
  if (on('ec2-rows')) await section('ec2-rows', withLoad('ec2-rows', async () => (await import('./ec2-rows.js')).benchEc2Rows()));
  if (on('prometheus')) await section('prometheus', withLoad('prometheus', async () => (await import('./prometheus-scale.js')).benchPrometheusScale()));
  if (on('ssh-1000')) await section('ssh-1000', withLoad('ssh-1000', async () => (await import('./real-ssh-1000.js')).benchRealSsh1000(tmp)));
}
