// An EC2 instance whose private address is a real lab host: listed through the real SDK from the
// loopback EC2 endpoint, then probed over SSH like any other host. Uses the running lab; skips when
// it is not running (this test never starts or stops the lab).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEc2 } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { isLabSkip, labInfo } from '../support/lab.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { HostExec } from '../../src/exec/host-exec.js';
import { SshPool } from '../../src/ssh/pool.js';
import { probeHost } from '../../src/poller/probe-host.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { answered } from '../support/lab-console.js';

const lab = labInfo();
const fake = new FakeEc2();
const pool = new SshPool();
after(async () => {
  await pool.close();
  await fake.stop();
});

test('an EC2 instance on a lab host gets the same SSH probe as any other host', { skip: isLabSkip(lab) ? lab.skip : false }, async () => {
  if (isLabSkip(lab)) return;
  const host = lab.hosts[0]!;
  const url = await fake.start();
  const t = awsTestEnv(url, [], { envKeys: 'AKIDLAB' });
  applyEnv(t.env);
  fake.setInstances('eu-west-1', [
    {
      id: 'i-0lab000000000001',
      state: 'running',
      privateIp: host.address,
      tags: { Name: 'ec2-on-lab', 'remlite:user': 'root' },
      system: 'ok',
      instanceCheck: 'impaired',
      volumes: [{ id: 'vol-0lab0000000001', device: '/dev/xvda', sizeGiB: 8 }],
    },
  ]);
  const cfg = resolveEc2Config({ enabled: true, ssh: { key: lab.clientKeyPath, knownHosts: lab.knownHostsPath } }, { ec2: false, profiles: [], regions: ['eu-west-1'] })!;
  const provider = new Ec2Provider(cfg, systemEnv(t.home));
  const { machines } = await provider.list();
  provider.close();
  const m = machines[0]!;
  assert.equal(m.ssh?.host, host.address);
  assert.equal(m.ssh?.user, 'root');
  const poll = await probeHost(new HostExec(pool), m, { timeoutMs: 20_000, slowThresholdMs: 10_000 });
  assert.ok(answered(poll.reach), `reach ${poll.reach}: ${poll.error}`);
  assert.equal(poll.probe?.hostname, host.name);
  assert.ok(poll.probe!.volumes.some((v) => v.mount === '/'), 'the probe sees the mounted filesystems');
  assert.equal(m.cloud?.volumes[0]?.volumeId, 'vol-0lab0000000001', 'EBS from the API beside them');
  const classes = detectAll({ machine: m, poll, now: Date.now(), thresholds: DEFAULT_THRESHOLDS }).map((f) => f.class);
  assert.ok(classes.includes('ec2-status-failed'), classes.join(','));
});
