import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProbeScript } from '../../src/probe/script.js';
import { HOST_CLOCK_SCRIPT } from '../../src/probe/script-clock.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { which } from '../support/busybox-root.js';

// The probe's clock is the kernel's btime plus /proc/uptime. These tests replace files in a private
// mount namespace: a `date` that answers a time no clock has (FAKE_DATE) shows which source answered.
const FAKE_DATE = 1_000_000_007;

function namespaceUnavailable(): string | undefined {
  return process.getuid?.() !== 0 || !which('unshare') ? 'needs root and unshare (files mounted over /proc/uptime and date)' : undefined;
}

/** Runs `inner` (sh) in a private mount namespace with $1 = dir, which holds bin/date (FAKE_DATE). */
function inNamespace(dir: string, inner: string): { status: number | null; stdout: string; stderr: string } {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'date'), `#!/bin/sh\necho ${FAKE_DATE}\n`);
  chmodSync(join(dir, 'bin', 'date'), 0o755);
  const r = spawnSync(which('unshare')!, ['--mount', '--propagation', 'private', '--fork', '/bin/sh', '-c', inner, 'sh', dir], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function probeEpoch(stdout: string): number {
  const parsed = parseProbeOutput(stdout);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  const m = /\nepoch=(\d+)\n/.exec(stdout);
  assert.ok(m, 'an epoch line');
  return Number(m[1]);
}

/**
 * The probe, written to a fresh directory with `files` beside it, run by sh in a private mount
 * namespace after `mounts` (shell; $1 is the directory). The seconds around the run come back with it.
 */
function probeInNamespace(mounts: string, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-clock-'));
  try {
    writeFileSync(join(dir, 'probe.sh'), buildProbeScript([]));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const before = Math.floor(Date.now() / 1000);
    const r = inNamespace(dir, `${mounts} && sh "$1/probe.sh"`);
    return { ...r, before, after: Math.ceil(Date.now() / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the probe reads its clock from btime and the uptime, without running date', (t) => {
  const why = namespaceUnavailable();
  if (why) return t.skip(why);
  // The probe puts /usr/local/bin before /usr/bin: a date mounted there is the one it would run.
  const r = probeInNamespace('mount --bind "$1/bin" /usr/local/bin');
  assert.equal(r.status, 0, r.stderr);
  const epoch = probeEpoch(r.stdout);
  assert.notEqual(epoch, FAKE_DATE, 'date was run');
  // btime is whole seconds and the sum is rounded: within a second of the clock around the run.
  assert.ok(epoch >= r.before - 1 && epoch <= r.after + 1, `epoch ${epoch} outside ${r.before - 1}..${r.after + 1}`);
});

test('with a file mounted over /proc/uptime (as lxcfs does in a container) the probe asks date', (t) => {
  const why = namespaceUnavailable();
  if (why) return t.skip(why);
  const r = probeInNamespace('mount --bind "$1/bin" /usr/local/bin && mount --bind "$1/uptime" /proc/uptime', { uptime: '5.00 1.00\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(probeEpoch(r.stdout), FAKE_DATE);
});

test('btime and uptime are used only when both are plain numbers; any other text makes date answer, and the shell goes on', (t) => {
  const why = namespaceUnavailable();
  if (why) return t.skip(why);
  const cases: { btime: string | undefined; uptime: string; want: number }[] = [
    { btime: '1700000000', uptime: '20.49 7.00', want: 1_700_000_020 },
    { btime: '1700000000', uptime: '20.50 7.00', want: 1_700_000_021 },
    { btime: '1700000000', uptime: '0.99 0.10', want: 1_700_000_001 },
    { btime: '1700000000', uptime: '08.50 7.00', want: FAKE_DATE },
    { btime: '0123', uptime: '20.50 7.00', want: FAKE_DATE },
    { btime: '17a0', uptime: '20.50 7.00', want: FAKE_DATE },
    { btime: '1700000000', uptime: '20 7', want: FAKE_DATE },
    { btime: '1700000000', uptime: '20.5 7.00', want: FAKE_DATE },
    { btime: '1700000000', uptime: '1.2.34 7.00', want: FAKE_DATE },
    { btime: '1700000000', uptime: '$(reboot).00 7', want: FAKE_DATE },
    { btime: '9'.repeat(13), uptime: '20.50 7.00', want: FAKE_DATE },
    { btime: undefined, uptime: '20.50 7.00', want: FAKE_DATE },
    { btime: '1700000000', uptime: '', want: FAKE_DATE },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'remlite-clock-'));
  try {
    for (const [i, c] of cases.entries()) {
      writeFileSync(join(dir, 'uptime'), c.uptime ? `${c.uptime}\n` : '');
      // MT is empty here (nothing mounted over /proc as far as the snippet knows): the values decide.
      const kt = ['42 1 0:1 / / rw - ext4 /dev/vda rw', 'cpu  1 2 3', ...(c.btime === undefined ? [] : [`btime ${c.btime}`]), 'processes 9'].join('\n');
      writeFileSync(
        join(dir, `clock${i}.sh`),
        `NL='\n'\nW=''\nwarn() { W="$W$*"; }\nKT='${kt}'\nMT=''\n${HOST_CLOCK_SCRIPT}\nprintf 'e=%s w=%s\\n' "$e" "$W"\n`,
      );
      const r = inNamespace(dir, `mount --bind "$1/uptime" /proc/uptime && PATH="$1/bin:$PATH" sh "$1/clock${i}.sh"`);
      assert.equal(r.status, 0, `${JSON.stringify(c)}: ${r.stderr}`);
      assert.equal(r.stderr, '', JSON.stringify(c));
      assert.equal(r.stdout, `e=${c.want} w=\n`, JSON.stringify(c));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
