// A plain EC2 instance record for tests (running t3.micro in us-east-1a, no tags, no volumes).
import type { Ec2Info } from '../../src/model/index.js';

export function ec2Info(extra: Partial<Ec2Info> = {}): Ec2Info {
  return {
    instanceId: 'i-0abc',
    region: 'us-east-1',
    account: 'default',
    state: 'running',
    stateReason: '',
    instanceType: 't3.micro',
    az: 'us-east-1a',
    tags: {},
    volumes: [],
    ...extra,
  };
}
