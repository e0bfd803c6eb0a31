import { awsCliCommand, type Ec2ActionId } from '../../../providers/ec2/aws-command.js';
import type { CatalogueEntry } from './types.js';

/** EC2 state(s) an action makes sense from; anything else is refused before asking. */
function ec2Entry(id: Ec2ActionId, verb: string, from: string[], expected: string): CatalogueEntry {
  return {
    id,
    title: () => `${verb[0]!.toUpperCase()}${verb.slice(1)} EC2 instance`,
    params: [],
    validate: () => undefined,
    command: (_p, ctx) => (ctx.machine.cloud ? awsCliCommand(id, ctx.machine.cloud) : ''),
    expected: () => expected,
    transport: 'cloud',
    precondition(machine) {
      const c = machine.cloud;
      if (!c) return `${machine.name} is not an EC2 instance`;
      if (!from.includes(c.state)) return `cannot ${verb} an instance that is ${c.state}`;
      return undefined;
    },
  };
}

export const CLOUD_ENTRIES: Record<string, CatalogueEntry> = {
  'ec2.reboot': ec2Entry('ec2.reboot', 'reboot', ['running'], 'EC2 reboots the instance (the OS restarts; state stays running); probes fail for a minute, then come back'),
  'ec2.stop': ec2Entry('ec2.stop', 'stop', ['running', 'pending'], 'the grid shows stopping, then stopped; refused when stop protection is on'),
  'ec2.start': ec2Entry('ec2.start', 'start', ['stopped'], 'the grid shows pending, then running; the probe resumes once SSH answers'),
};
