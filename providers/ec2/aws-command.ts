import type { Ec2Info } from '../../src/model/index.js';
import { shCommand } from '../../src/util/shell-quote.js';

export const EC2_ACTIONS = {
  'ec2.reboot': 'reboot-instances',
  'ec2.stop': 'stop-instances',
  'ec2.start': 'start-instances',
} as const;

export type Ec2ActionId = keyof typeof EC2_ACTIONS;

export function isEc2Action(action: string): action is Ec2ActionId {
  return Object.hasOwn(EC2_ACTIONS, action);
}

/** The `aws` CLI call equivalent to a cloud action, every value quoted: what the operator confirms and the audit log keeps. */
export function awsCliCommand(action: Ec2ActionId, info: Pick<Ec2Info, 'region' | 'instanceId' | 'profile'>): string {
  const argv = ['aws', 'ec2', EC2_ACTIONS[action], '--region', info.region, '--instance-ids', info.instanceId];
  if (info.profile) argv.push('--profile', info.profile);
  return shCommand(...argv);
}
