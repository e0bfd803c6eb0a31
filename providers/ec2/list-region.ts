import type { EC2Client, Instance, InstanceStatus, Volume } from '@aws-sdk/client-ec2';
import type { Ec2Sdk } from './client.js';

export interface RegionListing {
  instances: Instance[];
  statuses: Map<string, InstanceStatus>;
  volumes: Volume[];
}

/** EC2 takes at most 200 values per filter. */
const FILTER_VALUES = 200;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * One region: every instance (paginated DescribeInstances, terminated ones left out), then their
 * status checks (DescribeInstanceStatus, IncludeAllInstances) and EBS volumes (DescribeVolumes by
 * attachment.instance-id) in parallel. Throws the SDK error when any call fails after its retries.
 */
export async function listRegion(sdk: Ec2Sdk, client: EC2Client, pageSize: number): Promise<RegionListing> {
  const instances: Instance[] = [];
  for await (const page of sdk.paginateDescribeInstances({ client, pageSize }, {})) {
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId && i.State?.Name !== 'terminated') instances.push(i);
  }
  const ids = instances.map((i) => i.InstanceId as string);
  if (ids.length === 0) return { instances, statuses: new Map(), volumes: [] };

  const statusesP = (async () => {
    const statuses = new Map<string, InstanceStatus>();
    for await (const page of sdk.paginateDescribeInstanceStatus({ client, pageSize: 1000 }, { IncludeAllInstances: true })) {
      for (const s of page.InstanceStatuses ?? []) if (s.InstanceId) statuses.set(s.InstanceId, s);
    }
    return statuses;
  })();
  const volumesP = Promise.all(
    chunks(ids, FILTER_VALUES).map(async (part) => {
      const out: Volume[] = [];
      const input = { Filters: [{ Name: 'attachment.instance-id', Values: part }] };
      for await (const page of sdk.paginateDescribeVolumes({ client, pageSize: 500 }, input)) out.push(...(page.Volumes ?? []));
      return out;
    }),
  ).then((parts) => parts.flat());
  const [statuses, volumes] = await Promise.all([statusesP, volumesP]);
  return { instances, statuses, volumes };
}

/** Every region enabled for the account (DescribeRegions without AllRegions lists the enabled ones). */
export async function enabledRegions(sdk: Ec2Sdk, client: EC2Client): Promise<string[]> {
  const r = await client.send(new sdk.DescribeRegionsCommand({}));
  return (r.Regions ?? [])
    .map((x) => x.RegionName ?? '')
    .filter((name) => /^[a-z0-9-]{1,40}$/.test(name))
    .sort();
}
