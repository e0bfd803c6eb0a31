// Runs the loopback EC2 endpoint on its own (benchmarks, demos): prints its URL, serves until killed.
// Usage: node dist/test/support/fake-ec2-serve.js [instances-per-region=3] [regions=eu-west-1,us-east-1]
import { FakeEc2 } from './fake-ec2.js';

const per = Number(process.argv[2] ?? 3);
const regions = (process.argv[3] ?? 'eu-west-1,us-east-1').split(',');
const fake = new FakeEc2();
const url = await fake.start();
for (const region of regions) {
  fake.setInstances(
    region,
    Array.from({ length: per }, (_, n) => ({
      id: `i-0${region.replace(/-/g, '')}${String(n).padStart(6, '0')}`,
      state: n % 3 === 2 ? 'stopped' : 'running',
      tags: { Name: `${region}-web${n}`, 'remlite:pool': 'web' },
      volumes: [{ id: `vol-0${region.replace(/-/g, '')}${n}`, device: '/dev/xvda', sizeGiB: 8 }],
    })),
  );
}
process.stdout.write(url + '\n');
