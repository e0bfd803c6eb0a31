// Network mounts: the probe's netmounts section (parser), the detector, the file server as the
// likely cause across the fleet, the store's derived findings and the netmount.remount repair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CATALOGUE } from '../../src/actions/catalogue/index.js';
import { DEFAULT_THRESHOLDS, detectAll, netmountCauseFindings, SERVED_MOUNTS_SUBJECT } from '../../src/matrix/index.js';
import { detectNetmountUnavailable } from '../../src/matrix/netmount-unavailable.js';
import type { Finding, HostProbe, Machine, NetMountStatus, PollResult } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { parseNetMounts, serverOfDevice } from '../../src/probe/parse-netmounts.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { netmountsScript } from '../../src/probe/script-netmounts.js';
import { createFleetStore } from '../../src/store/index.js';

const NOW = 1_700_000_000_000;

function machine(id: string, address: string): Machine {
  return {
    id, name: id, provider: 'datacenter', site: 's', pool: 'web', role: '', services: [], logs: [], origin: 'test',
    ssh: { host: address, port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
  };
}

function probe(netMounts?: NetMountStatus[]): HostProbe {
  return {
    hostname: 'h', remoteTimeMs: NOW, uptimeSec: 100, load1: 0, load5: 0, load15: 0, cpus: 2, memTotalBytes: 100,
    memAvailableBytes: 50, swapTotalBytes: 0, swapFreeBytes: 0, kernel: 'k', init: 'systemd', volumes: [], services: [],
    warnings: [], ...(netMounts ? { netMounts } : {}),
  };
}

const poll = (id: string, netMounts?: NetMountStatus[]): PollResult => ({ machineId: id, at: NOW, reach: 'ok', probe: probe(netMounts) });

const share = (state: NetMountStatus['state'], extra: Partial<NetMountStatus> = {}): NetMountStatus => ({
  mount: '/var/www/shared', device: 'root@10.0.0.9:/srv/share', fstype: 'fuse.sshfs', server: '10.0.0.9', state, ...extra,
});

test('serverOfDevice: NFS, sshfs, CIFS, IPv6 and ceph sources name their server; hostile or serverless ones none', () => {
  assert.equal(serverOfDevice('fs1:/export/www'), 'fs1');
  assert.equal(serverOfDevice('10.1.2.3:/export'), '10.1.2.3');
  assert.equal(serverOfDevice('root@127.77.6.4:/srv/share'), '127.77.6.4');
  assert.equal(serverOfDevice('deploy@files.example.org:share'), 'files.example.org');
  assert.equal(serverOfDevice('//nas01/public'), 'nas01');
  assert.equal(serverOfDevice('[fd00::5]:/export'), 'fd00::5');
  assert.equal(serverOfDevice('mon1,mon2,mon3:/'), 'mon1');
  assert.equal(serverOfDevice('tmpfs'), undefined);
  assert.equal(serverOfDevice('$(reboot):/x'), undefined);
  assert.equal(serverOfDevice('a b:/x'), undefined);
  assert.equal(serverOfDevice('-oProxyCommand=x:/y'), undefined);
});

test('parseNetMounts: ok with sizes, hung with its start, stale with the error, missing, unchecked; NFS and CIFS by type', () => {
  const warnings: string[] = [];
  const out = parseNetMounts(
    [
      'ok nfs4 fs1:/export/www /var/www/static 1000 600 500 4096',
      'hung fuse.sshfs root@127.77.6.4:/srv/share /var/www/html/shared since=1700000000',
      'stale nfs 10.0.0.5:/home /home err=stat: cannot read file system information for \'/home\': Stale file handle',
      'missing cifs //nas01/public /mnt/public',
      'unchecked nfs fs1:/x /mnt/with\\040space reason=escaped-path',
      'ok nfs4 fs1:/export/www /var/www/static 1 1 1 1',
      'bogus nfs a:/b /c',
      'ok nfs',
    ],
    (w) => warnings.push(w),
  );
  assert.deepEqual(out, [
    { mount: '/var/www/static', device: 'fs1:/export/www', fstype: 'nfs4', server: 'fs1', state: 'ok', sizeBytes: 4096000, availBytes: 2048000 },
    { mount: '/var/www/html/shared', device: 'root@127.77.6.4:/srv/share', fstype: 'fuse.sshfs', server: '127.77.6.4', state: 'hung', sinceMs: 1_700_000_000_000 },
    { mount: '/home', device: '10.0.0.5:/home', fstype: 'nfs', server: '10.0.0.5', state: 'stale', error: "stat: cannot read file system information for '/home': Stale file handle" },
    { mount: '/mnt/public', device: '//nas01/public', fstype: 'cifs', server: 'nas01', state: 'missing' },
    { mount: '/mnt/with space', device: 'fs1:/x', fstype: 'nfs', server: 'fs1', state: 'unchecked', error: 'escaped-path' },
  ]);
  assert.equal(warnings.length, 3, warnings.join(' | '));
});

test('the probe output carries the netmounts section into HostProbe.netMounts; hostile text is sanitized', () => {
  const text = [
    '@@remlite meta', 'hostname=web1', 'epoch=1700000000', 'cpus=2', 'init=systemd',
    '@@remlite loadavg', '0.1 0.2 0.3 1/100 5',
    '@@remlite meminfo', 'MemTotal: 1000 kB', 'MemAvailable: 500 kB',
    '@@remlite netmounts',
    'hung nfs fs1:/export /mnt/a\u001b[31m since=1699999990',
    '@@remlite end',
  ].join('\n');
  const r = parseProbeOutput(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.probe.netMounts?.length, 1);
  assert.equal(r.probe.netMounts?.[0]?.state, 'hung');
  assert.ok(!r.probe.netMounts?.[0]?.mount.includes('\u001b'));
  const none = parseProbeOutput(text.replace(/@@remlite netmounts\n[^\n]*\n/, ''));
  assert.ok(none.ok && none.probe.netMounts === undefined, 'no section, no field');
});

test('the probe script never gives a network mount to df and checks them detached by a deadline', () => {
  const script = buildProbeScript(['ssh']);
  const df = script.split('\n').find((l) => l.includes('df --output='));
  for (const t of ['nfs', 'nfs4', 'cifs', 'fuse.sshfs']) assert.ok(df?.includes(` -x ${t} `), `df excludes ${t}: ${df}`);
  assert.match(script, /@@remlite %s\\n' "\$1"; \}/);
  assert.match(script, /section netmounts/);
  assert.match(script, /\( exec stat -f -c '%b %f %a %S' -- "\$mnt" \) >"\$ND\/\$tok\.out" 2>&1 <\/dev\/null &/);
  // Run here (no network mounts on this machine): the section is present and empty, the output parses.
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n@@remlite netmounts\n/);
  const parsed = parseProbeOutput(r.stdout);
  assert.ok(parsed.ok);
});

test('a check begun within the deadline by another probe (two consoles polling one host) is not reported hung; one begun before it is, and no second check starts', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'remlite-netmount-race-'));
  // A process named stat that stays blocked: what a check of a hung mount looks like in /proc.
  const fakeStat = path.join(dir, 'stat');
  copyFileSync('/bin/sleep', fakeStat);
  const blocked = spawn(fakeStat, ['60'], { stdio: 'ignore' });
  try {
    const mount = path.join(dir, 'mnt');
    const state = path.join(dir, 'state');
    mkdirSync(mount);
    const section = netmountsScript();
    const ownState = section.replace('ND=/tmp/.remlite-netmounts-$(id -u 2>/dev/null)', `ND=${state}`);
    assert.notEqual(ownState, section, 'the state directory is set where the test can see it');
    const run = (checkBegan: (now: number) => number): { out: string; foreignKept: boolean } => {
      rmSync(state, { recursive: true, force: true });
      mkdirSync(state, { mode: 0o700 });
      const now = Math.floor(Date.now() / 1000);
      const foreign = path.join(state, `${blocked.pid}.mnt`);
      writeFileSync(foreign, `${mount} ${checkBegan(now)}-1\n`);
      const script = `NL='\n'\ne=${now}\nput() { printf '%s\\n' "$1"; }\nwarn() { printf 'warn %s\\n' "$*"; }\nsection() { printf '@@ %s\\n' "$1"; }\nNM='srv:/export ${mount} fuse.sshfs'\n${ownState}`;
      const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return { out: r.stdout, foreignKept: existsSync(foreign) };
    };
    const young = run((now) => now - 1);
    assert.match(young.out, new RegExp(`^ok fuse\\.sshfs srv:/export ${mount} \\d+ \\d+ \\d+ \\d+$`, 'm'), young.out);
    assert.ok(young.foreignKept, "the other probe's check is left to it");
    const old = run((now) => now - 30);
    assert.match(old.out, new RegExp(`^hung fuse\\.sshfs srv:/export ${mount} since=\\d+$`, 'm'), old.out);
    assert.doesNotMatch(old.out, /^ok /m, 'no second check of a blocked mount');
  } finally {
    blocked.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detector: hung is critical with the server named and no repair; stale and missing offer netmount.remount; ok and unchecked are quiet', () => {
  const m = machine('web1', '10.0.0.1');
  const ctx = (mounts: NetMountStatus[]) => ({ machine: m, poll: poll('web1', mounts), now: NOW, thresholds: DEFAULT_THRESHOLDS });
  const [hung] = detectNetmountUnavailable(ctx([share('hung', { sinceMs: NOW - 30_000 })]));
  assert.equal(hung?.class, 'netmount-unavailable');
  assert.equal(hung?.severity, 'critical');
  assert.equal(hung?.subject, '/var/www/shared');
  assert.equal(hung?.summary, 'network mount /var/www/shared hung (server 10.0.0.9)');
  assert.ok(hung?.evidence.includes('file server 10.0.0.9 (from root@10.0.0.9:/srv/share)'), hung?.evidence.join(' | '));
  assert.ok(hung?.evidence.some((e) => e.includes('30s ago')));
  assert.deepEqual(hung?.repairs, []);
  for (const state of ['stale', 'missing'] as const) {
    const [f] = detectNetmountUnavailable(ctx([share(state)]));
    assert.deepEqual(f?.repairs.map((r) => [r.action, r.params]), [['netmount.remount', { mount: '/var/www/shared' }]], state);
  }
  assert.deepEqual(detectNetmountUnavailable(ctx([share('ok'), share('unchecked', { mount: '/x' })])), []);
  assert.ok(detectAll(ctx([share('missing')])).some((f) => f.class === 'netmount-unavailable'), 'in the catalogue');
});

test('one root cause, many symptoms: the file server of the fleet gets one critical finding naming every client; none when it is not in the fleet or all is well', () => {
  const fs = machine('fs1', '10.0.0.9');
  const hosts = [
    { machine: machine('web1', '10.0.0.1'), last: poll('web1', [share('hung')]) },
    { machine: machine('web2', '10.0.0.2'), last: poll('web2', [share('missing')]) },
    { machine: machine('web3', '10.0.0.3'), last: poll('web3', [share('ok')]) },
    { machine: fs, last: poll('fs1') },
  ];
  const out = netmountCauseFindings(hosts);
  assert.deepEqual([...out.keys()], ['fs1']);
  const [f] = out.get('fs1')!;
  assert.equal(f?.severity, 'critical');
  assert.equal(f?.subject, SERVED_MOUNTS_SUBJECT);
  assert.equal(f?.summary, 'likely cause: mounts from this host fail on 2 host(s) (web1, web2)');
  assert.ok(f?.evidence.includes('web1: /var/www/shared (fuse.sshfs) hung'));
  assert.ok(f?.evidence.includes('web2: /var/www/shared (fuse.sshfs) not mounted'));
  assert.equal(netmountCauseFindings(hosts.filter((h) => h.machine.id !== 'fs1')).size, 0, 'server outside the fleet');
  assert.equal(netmountCauseFindings([{ machine: fs, last: poll('fs1', [share('hung')]) }]).size, 0, 'a host is not its own cause');
});

test("store: derived findings follow every batch, leave the host's own findings alone, and keep untouched hosts as they were", () => {
  const store = createFleetStore();
  const fs = machine('fs1', '10.0.0.9');
  store.getState().setMachines([machine('web1', '10.0.0.1'), fs, machine('db1', '10.0.0.3')]);
  const own: Finding = { machineId: 'fs1', class: 'disk-full', severity: 'warning', summary: 'disk', evidence: [], repairs: [] };
  store.getState().applyPolls([{ result: poll('fs1'), findings: [own] }, { result: poll('db1'), findings: [] }], netmountCauseFindings);
  const db = store.getState().hosts['db1'];
  store.getState().applyPolls([{ result: poll('web1', [share('hung')]), findings: [] }], netmountCauseFindings);
  const withCause = store.getState().hosts['fs1']!;
  assert.deepEqual(withCause.findings.map((f) => f.class), ['disk-full', 'netmount-unavailable']);
  assert.equal(withCause.severity, 'critical');
  assert.equal(store.getState().hosts['db1'], db, 'a host without change keeps its state object');
  // The server's own next poll keeps the derived finding; the client's recovery clears it.
  store.getState().applyPolls([{ result: poll('fs1'), findings: [own] }], netmountCauseFindings);
  assert.deepEqual(store.getState().hosts['fs1']!.findings.map((f) => f.class), ['disk-full', 'netmount-unavailable']);
  store.getState().applyPolls([{ result: poll('web1', [share('ok')]), findings: [] }], netmountCauseFindings);
  assert.deepEqual(store.getState().hosts['fs1']!.findings, [own]);
  assert.equal(store.getState().hosts['fs1']!.severity, 'warning');
});

test('netmount.remount: plain mount paths only; preconditions listed; on a host where the path is not a network mount of fstab it stops (exit 3) before any change', () => {
  const entry = CATALOGUE['netmount.remount']!;
  assert.equal(entry.validate({ mount: '/var/www/shared' }), undefined);
  for (const bad of ['', 'relative', '/a b', '/a/../b', "/x'$(id)'", '/x\\040y']) assert.ok(entry.validate({ mount: bad }), bad);
  const ctx = { machine: machine('web1', '10.0.0.1'), init: 'systemd' as const };
  const words = entry.preconditions!({ mount: '/remlite-no-such-mount' }, ctx);
  assert.equal(words.length, 3);
  assert.match(words[0]!, /listed in \/etc\/fstab/);
  assert.match(words[1]!, /not hung/);
  const r = spawnSync('sh', ['-c', entry.command({ mount: '/remlite-no-such-mount' }, ctx)], { encoding: 'utf8' });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /remlite: precondition failed: \/remlite-no-such-mount is a network mount listed in \/etc\/fstab/);
});
