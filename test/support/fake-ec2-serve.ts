// Runs the loopback EC2 endpoint on its own (benchmarks, demos): prints its URL, serves until killed.
// Usage: node dist/test/support/fake-ec2-serve.js [instances-per-region=3] [regions=eu-west-1,us-east-1] [address-prefix]
// With an address prefix (e.g. 127.79) each instance gets a private IP under it (PREFIX.REGION.N, loopback
// where nothing listens), so the console probes them over SSH as it would real instances.
import { FakeEc2 } from './fake-ec2.js';

const per = Number(process.argv[2] ?? 3);
const regions = (process.argv[3] ?? 'eu-west-1,us-east-1').split(',');
const addressPrefix = process.argv[4];
const fake = new FakeEc2();
const url = await fake.start();
regions.forEach((region, r) => {
  fake.setInstances(
    region,
    Array.from({ length: per }, (_, n) => ({
      id: `i-0${region.replace(/-/g, '')}${String(n).padStart(6, '0')}`,
      state: n % 3 === 2 ? 'stopped' : 'running',
      tags: { Name: `${region}-web${n}`, 'remlite:pool': 'web' },
      volumes: [{ id: `vol-0${region.replace(/-/g, '')}${n}`, device: '/dev/xvda', sizeGiB: 8 }],
      ...(addressPrefix ? { privateIp: `${addressPrefix}.${r * 4 + Math.floor(n / 250)}.${(n % 250) + 1}` } : {}),
    })),
  );
});
process.stdout.write(url + '\n');
