import type { CloudActionOutcome, Machine } from '../../src/model/index.js';
import type { ClientFactory, Ec2Sdk } from './client.js';
import type { Ec2Account } from './config.js';
import { errorLine } from './errors.js';
import { isEc2Action } from './aws-command.js';

type StateChange = { InstanceId?: string; PreviousState?: { Name?: string }; CurrentState?: { Name?: string } };

function transitions(list: StateChange[] | undefined): string {
  return (list ?? []).map((c) => `${c.InstanceId ?? '?'}: ${c.PreviousState?.Name ?? '?'} -> ${c.CurrentState?.Name ?? '?'}`).join('\n');
}

/**
 * Runs reboot / stop / start through the EC2 API. Stop is refused up front when the instance has
 * stop protection (disableApiStop); EC2 itself would answer OperationNotPermitted, which is surfaced too.
 */
export async function runEc2Action(sdk: Ec2Sdk, clients: ClientFactory, accounts: readonly Ec2Account[], machine: Machine, action: string): Promise<CloudActionOutcome> {
  const started = Date.now();
  const done = (ok: boolean, output: string, error?: string): CloudActionOutcome => ({ ok, output, durationMs: Date.now() - started, ...(error ? { error } : {}) });
  const info = machine.cloud;
  if (!info) return done(false, '', `${machine.name} is not an EC2 instance`);
  if (!isEc2Action(action)) return done(false, '', `unknown cloud action "${action}"`);
  const account = accounts.find((a) => a.name === info.account);
  if (!account) return done(false, '', `account "${info.account}" is no longer configured`);
  const client = clients.get(account, info.region);
  const InstanceIds = [info.instanceId];
  try {
    if (action === 'ec2.reboot') {
      await client.send(new sdk.RebootInstancesCommand({ InstanceIds }));
      return done(true, `${info.instanceId}: reboot requested`);
    }
    if (action === 'ec2.stop') {
      const attr = await client.send(new sdk.DescribeInstanceAttributeCommand({ InstanceId: info.instanceId, Attribute: 'disableApiStop' }));
      if (attr.DisableApiStop?.Value === true) {
        return done(false, '', `stop protection is on for ${info.instanceId} (disableApiStop): not stopped; turn it off first if you really mean it`);
      }
      const r = await client.send(new sdk.StopInstancesCommand({ InstanceIds }));
      return done(true, transitions(r.StoppingInstances));
    }
    const r = await client.send(new sdk.StartInstancesCommand({ InstanceIds }));
    return done(true, transitions(r.StartingInstances));
  } catch (err) {
    return done(false, '', errorLine(err));
  }
}
