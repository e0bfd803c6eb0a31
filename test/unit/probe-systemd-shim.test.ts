import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseProbeOutput } from '../../src/probe/parse.js';

/**
 * The systemd branch of the script, run for real by /bin/sh against a stand-in systemctl: in a
 * private mount namespace, /run/systemd/system exists and /usr/bin/systemctl is a recording shim.
 * The shim prints what systemd 252 prints (including the "●" column some versions add).
 */
const SHIM = `#!/bin/sh
printf '%s\\n' "$*" >> "$LOG"
case "$1" in
list-units)
  # --state takes a comma list; systemctl sorts the units it lists by name.
  case "$*" in *--state=*running*) running=1 ;; *) running=0 ;; esac
  case "$*" in
  *--state=*failed*)
    printf '%s\\n' '● apache2.service loaded failed failed The Apache HTTP Server'
    [ $running = 0 ] || printf '%s\\n' 'cron.service loaded active running Regular background program'
    printf '%s\\n' 'logrotate.service loaded failed failed Rotate log files'
    printf '%s\\n' '$(touch '"$CANARY"').service loaded failed failed evil' ;;
  *--state=running*) printf '%s\\n' 'cron.service loaded active running Regular background program' ;;
  esac ;;
show)
  while [ "$1" != -- ]; do shift; done; shift
  first=1
  for u in "$@"; do
    [ $first = 1 ] || echo
    first=0
    load=loaded; active=active; sub=running
    case $u in nosuch*) load=not-found; active=inactive; sub=dead ;; apache2*|logrotate*) active=failed; sub=failed ;; esac
    printf 'Id=%s\\nLoadState=%s\\nActiveState=%s\\nSubState=%s\\nNRestarts=0\\nMainPID=0\\nStateChangeTimestampMonotonic=1000000\\nDescription=%s unit\\n' "$u" "$load" "$active" "$sub" "$u"
  done ;;
esac
`;

function runInShimmedHost(t: { skip: (m: string) => void }, services: string[], shell = '/bin/sh') {
  const unshare = spawnSync('/bin/sh', ['-c', 'command -v unshare']).stdout?.toString().trim();
  if (process.getuid?.() !== 0 || !unshare || !existsSync('/usr/bin/systemctl')) {
    t.skip('needs root, unshare and a /usr/bin/systemctl to bind a stand-in over');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'remlite-shim-'));
  const shim = join(dir, 'systemctl');
  writeFileSync(shim, SHIM);
  chmodSync(shim, 0o755);
  writeFileSync(join(dir, 'probe.sh'), buildProbeScript(services));
  const inner = [
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/systemd/system',
    'mount --bind "$1/systemctl" /usr/bin/systemctl',
    'exec $2 "$1/probe.sh"',
  ].join(' && ');
  const r = spawnSync(unshare, ['--mount', '--propagation', 'private', '--fork', '/bin/sh', '-c', inner, 'sh', dir, shell], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LOG: join(dir, 'log'), CANARY: join(dir, 'canary') },
  });
  const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n') : [];
  const canary = existsSync(join(dir, 'canary'));
  rmSync(dir, { recursive: true, force: true });
  return { ...r, log, canary };
}

test('systemd branch: one systemctl show for expected + failed units, results mapped back', (t) => {
  const r = runInShimmedHost(t, ['apache2', 'nosuch', 'ssh.socket']);
  if (!r) return;
  assert.equal(r.status, 0, r.stderr);
  const shows = r.log.filter((l) => l.startsWith('show '));
  assert.equal(shows.length, 1, 'exactly one systemctl show');
  assert.equal(
    shows[0],
    'show --no-pager -p Id,LoadState,ActiveState,SubState,NRestarts,MainPID,StateChangeTimestampMonotonic,Description -- ' +
      'apache2.service nosuch.service ssh.socket apache2.service logrotate.service',
  );
  assert.ok(!r.log.some((l) => l.includes('running')), 'running units are not listed when services are expected');
  assert.equal(r.canary, false, 'a unit name from list-units was executed');
  const parsed = parseProbeOutput(r.stdout);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(parsed.probe.init, 'systemd');
  assert.deepEqual(
    parsed.probe.services.map((s) => [s.name, s.load, s.active]),
    [
      ['apache2', 'loaded', 'failed'],
      ['nosuch', 'not-found', 'inactive'],
      ['ssh.socket', 'loaded', 'active'],
      ['logrotate', 'loaded', 'failed'],
    ],
  );
  assert.equal(parsed.probe.services[0]?.description, 'apache2.service unit');
});

test('systemd branch with no expected services lists running and failed units', (t) => {
  const r = runInShimmedHost(t, []);
  if (!r) return;
  const shows = r.log.filter((l) => l.startsWith('show '));
  assert.equal(shows.length, 1);
  assert.match(shows[0]!, / -- apache2\.service logrotate\.service cron\.service$/);
  assert.equal(r.log.filter((l) => l.startsWith('list-units ')).length, 1, 'failed and running units come from one list-units');
  const parsed = parseProbeOutput(r.stdout);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.probe.services.map((s) => s.name), ['apache2', 'logrotate', 'cron']);
});

test('systemd branch under busybox sh gives the same services', (t) => {
  const busybox = spawnSync('/bin/sh', ['-c', 'command -v busybox']).stdout?.toString().trim();
  if (!busybox) {
    t.skip('busybox not installed');
    return;
  }
  const r = runInShimmedHost(t, ['apache2', 'nosuch'], `${busybox} sh`);
  if (!r) return;
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.canary, false);
  const parsed = parseProbeOutput(r.stdout);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual(
    parsed.probe.services.map((s) => [s.name, s.active]),
    [['apache2', 'failed'], ['nosuch', 'inactive'], ['logrotate', 'failed']],
  );
});
