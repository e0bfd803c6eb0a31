// A lab host whose sshd is killed with SIGKILL (the listener and every session, so a probe in
// flight is cut off mid-output) while the console polls it: the host turns unreachable, the other
// hosts keep getting fresh polls, connections do not pile up, and once sshd is started again the
// host recovers by itself. Done twice: once timed to land while a probe runs on the host, once at
// a random point.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { answered, labConsole } from '../support/lab-console.js';
import { waitFor } from '../support/wait-for.js';
import type { RemliteConsole } from '../../src/app/console.js';
import type { PollResult } from '../../src/model/index.js';
import { appliedPollAfter } from '../../src/store/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const KILLED = 'lab-web2';
const OTHERS = ['lab-web1', 'lab-db1'];
// systemd would restart a killed sshd at once (Restart=on-failure): keep it down until we start it.
const DROP_IN = '/run/systemd/system/ssh.service.d/remlite-test-no-restart.conf';
let core: RemliteConsole;

before(async () => {
  if (skip) return;
  const r = await labExec(KILLED, `mkdir -p ${DROP_IN.replace(/\/[^/]+$/, '')} && printf '[Service]\\nRestart=no\\n' > ${DROP_IN} && systemctl daemon-reload`);
  assert.equal(r.code, 0, r.stderr);
  core = await labConsole(info as LabInfo, [KILLED, ...OTHERS], { pollIntervalMs: 300 });
  core.poller.start();
  await waitFor('every host probed', () => [KILLED, ...OTHERS].every((id) => answered(core.store.getState().hosts[id]?.last?.reach)));
});

after(async () => {
  if (!skip) await labExec(KILLED, `rm -f ${DROP_IN}; systemctl daemon-reload; systemctl reset-failed ssh; systemctl start ssh; true`);
  await core?.close();
});

/**
 * Kills every sshd of the host as soon as a probe runs there; true if one was caught running. The
 * probe's resident `sh -s` waits there between polls; a probe running is its subshell, a second
 * `sh -s` process.
 */
async function killDuringProbe(): Promise<boolean> {
  const r = await labExec(
    KILLED,
    "i=0; while [ $i -lt 3000 ]; do [ \"$(pgrep -x -f 'sh -s' | wc -l)\" -ge 2 ] && { pkill -KILL -x sshd; echo caught; exit 0; }; i=$((i+1)); sleep 0.005; done; pkill -KILL -x sshd; echo missed",
  );
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.includes('caught');
}

async function killAtRandomPoint(): Promise<boolean> {
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 600)));
  assert.equal((await labExec(KILLED, 'pkill -KILL -x sshd')).code, 0);
  return false;
}

for (const [how, kill] of [
  ['while a probe runs on the host', killDuringProbe],
  ['at a random point', killAtRandomPoint],
] as const) {
  test(`sshd SIGKILLed ${how}: unreachable, others keep updating, no pile-up; sshd started again: recovers by itself`, { skip }, async () => {
    const s = () => core.store.getState();
    await waitFor('the host answering before the kill', () => answered(s().hosts[KILLED]?.last?.reach));
    const caught = await kill();
    const killedAt = Date.now();
    if (how === 'while a probe runs on the host') assert.ok(caught, 'a probe was running on the host when sshd was killed');
    // A killed sshd is listed (as a zombie) until systemd has reaped it, which a loaded machine
    // does a moment later: wait for that, and fail on any sshd still there after 10 s (a restart).
    const gone = await labExec(KILLED, "i=0; while pgrep -x sshd >/dev/null; do [ $i -ge 1000 ] && { ps -o pid,stat,args -C sshd; exit 1; }; i=$((i+1)); sleep 0.01; done; echo none");
    assert.equal(gone.stdout.trim(), 'none', `no sshd left on the host: ${gone.stdout}`);

    // Three polls of the dead host started after the kill: none answered.
    const dead: PollResult[] = [];
    let t = killedAt;
    for (let i = 0; i < 3; i++) {
      const p = await appliedPollAfter(core.store, KILLED, t);
      dead.push(p);
      t = p.at + 1;
      const stats = core.pool.stats();
      assert.ok(stats.connections + stats.connecting <= 1 + OTHERS.length, `no pile-up of connections: ${JSON.stringify(stats)}`);
    }
    assert.ok(dead.every((p) => !answered(p.reach)), dead.map((p) => `${p.reach}: ${p.error ?? ''}`).join(' | '));
    assert.ok(dead.some((p) => p.reach === 'unreachable'), 'a refused connection shows as unreachable');
    const host = s().hosts[KILLED]!;
    assert.ok(host.findings.some((f) => f.class === 'unreachable' && f.severity === 'critical'), 'flagged critical');
    assert.ok(host.probe && host.probeAt! < killedAt, 'the last good numbers are kept (shown stale)');
    // The others keep being probed while this host is down (sshd is started again only below).
    for (const id of OTHERS) {
      await waitFor(`${id} answering a poll begun after the kill`, () => {
        const last = s().hosts[id]!.last!;
        return last.at > killedAt && answered(last.reach);
      });
    }

    const restartedAt = Date.now();
    const r = await labExec(KILLED, 'systemctl reset-failed ssh; systemctl start ssh');
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the host to recover by itself', () => {
      const last = s().hosts[KILLED]?.last;
      return last && last.at > restartedAt && answered(last.reach);
    }, 90_000);
    assert.ok(s().hosts[KILLED]!.probeAt! > restartedAt, 'fresh numbers after the recovery');
    assert.ok(!s().hosts[KILLED]!.findings.some((f) => f.class === 'unreachable'), 'the unreachable finding is gone');
  });
}
