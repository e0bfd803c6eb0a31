// Declared files on a network mount are never stat'ed or read by the probe (a hung NFS/FUSE server
// would block the call where no timeout can end it): the real probe script, run by /bin/sh with its
// mount table (mountinfo) read from a file that lists a temp dir as an sshfs mount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CHECKS } from '../../src/model/index.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { parseSkippedFiles } from '../../src/probe/parse-checks.js';

test('a declared file under a network mount is skipped with a note; files beside it are stat\'ed as before', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-netfiles-'));
  try {
    const share = join(dir, 'share');
    mkdirSync(share);
    const remote = join(share, 'index.html');
    const local = join(dir, 'local.conf');
    // The share's own name starts like a sibling: only the mount and what is below it count.
    const sibling = `${share}2.conf`;
    writeFileSync(remote, 'hello\n');
    writeFileSync(local, 'x\n');
    writeFileSync(sibling, 'y\n');
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw,relatime - ext4 /dev/root rw\n2 1 0:50 / ${share} rw,nosuid shared:7 - fuse.sshfs files@lab-fs1:/srv/share rw\n`);
    const script = buildProbeScript([], { ...NO_CHECKS, configs: [{ path: local }], dataPaths: [remote, sibling, share] }, undefined, { intervalSec: 86_400 });
    const read = 'KT=$(cat /proc/self/mountinfo /proc/stat 2>/dev/null)';
    assert.ok(script.includes(read));
    const r = spawnSync('sh', ['-s'], { input: script.replace(read, `KT=$(cat ${mountinfo} /proc/stat)`), encoding: 'utf8', timeout: 60_000 });
    const parsed = parseProbeOutput(r.stdout);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    const probe = parsed.probe;
    assert.deepEqual(probe.filesSkipped, [
      { path: remote, mount: share, fstype: 'fuse.sshfs' },
      { path: share, mount: share, fstype: 'fuse.sshfs' },
    ]);
    assert.deepEqual(probe.files?.map((f) => f.path).sort(), [local, sibling].sort(), 'the skipped paths have no stat (their detectors stay quiet)');
    assert.ok(probe.files?.every((f) => f.exists && f.sha256));
    assert.ok(probe.warnings.some((w) => w.includes(`${remote} is on the network mount ${share} (fuse.sshfs)`)), probe.warnings.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the skipped-file lines are parsed strictly: mount escapes undone, remote text sanitized, other lines ignored', () => {
  const notes: string[] = [];
  const out = parseSkippedFiles(['N nfs4 /srv/my\\040share /srv/my share/a\u001b[31m.txt', 'N nfs relative /x', 'N  /x /x', '1 file 0644 root root 1 - /etc/x'], (w) => notes.push(w));
  assert.deepEqual(out, [{ path: '/srv/my share/a.txt', mount: '/srv/my share', fstype: 'nfs4' }]);
  assert.equal(notes.length, 1);
  assert.ok(!/\u001b/.test(notes[0] ?? ''));
});
