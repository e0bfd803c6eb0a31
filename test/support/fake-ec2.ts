// A loopback EC2 endpoint speaking the Query protocol (POST form, Action=...&Version=2016-11-15) and
// answering XML shaped as the EC2 API reference documents it. The real SDK talks to it over real HTTP,
// selected with AWS_ENDPOINT_URL_EC2. Requests are routed to a region (and account) by the SigV4
// credential scope of the Authorization header, as real regional endpoints would be.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVolume {
  id: string;
  device: string;
  sizeGiB: number;
  type?: string;
  state?: string;
  deleteOnTermination?: boolean;
  encrypted?: boolean;
}

export interface FakeInstance {
  id: string;
  state: string;
  type?: string;
  az?: string;
  privateIp?: string;
  publicIp?: string;
  tags?: Record<string, string>;
  reason?: string;
  /** Status checks (DescribeInstanceStatus); default ok/ok. */
  system?: string;
  instanceCheck?: string;
  events?: { code: string; description: string; notBefore?: string }[];
  volumes?: FakeVolume[];
  disableApiStop?: boolean;
  disableApiTermination?: boolean;
}

export interface FakeCall {
  action: string;
  region: string;
  accessKeyId: string;
  params: Record<string, string>;
}

const CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

const el = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`);
const set = (name: string, items: string[]) => `<${name}>${items.map((i) => `<item>${i}</item>`).join('')}</${name}>`;
const state = (name: string) => `<code>${CODES[name] ?? 0}</code><name>${xmlEscape(name)}</name>`;

interface Pending {
  to: string;
  afterDescribes: number;
}

export class FakeEc2 {
  private server = http.createServer((req, res) => this.handle(req, res));
  /** accessKeyId → region → instances. Key "*" answers any access key. */
  private worlds = new Map<string, Map<string, FakeInstance[]>>();
  readonly calls: FakeCall[] = [];
  /** Most items a page returns, whatever MaxResults asks (forces pagination in tests). */
  pageSize = 1000;
  /** Describes of an instance's region before a transition completes (stopping → stopped). */
  transitionDescribes = 2;
  private throttle = 0;
  private throttledRegions = new Set<string>();
  private failing = new Map<string, { code: string; status: number }>();
  private held = new Map<string, (() => void)[]>();
  private pending = new Map<string, Pending>();
  private requestSeq = 0;
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  setInstances(region: string, instances: FakeInstance[], accessKeyId = '*'): void {
    let w = this.worlds.get(accessKeyId);
    if (!w) this.worlds.set(accessKeyId, (w = new Map()));
    w.set(region, instances);
  }

  instance(id: string): FakeInstance | undefined {
    for (const w of this.worlds.values()) for (const list of w.values()) for (const i of list) if (i.id === id) return i;
    return undefined;
  }

  /** The next n requests (any action) answer 503 RequestLimitExceeded. */
  throttleNext(n: number): void {
    this.throttle = n;
  }

  /** Every request to this region answers 503 RequestLimitExceeded until unthrottleRegion (a throttling storm). */
  throttleRegion(region: string): void {
    this.throttledRegions.add(region);
  }

  unthrottleRegion(region: string): void {
    this.throttledRegions.delete(region);
  }

  /** Every request to this region answers an error (default 403 UnauthorizedOperation). */
  failRegion(region: string, code = 'UnauthorizedOperation', status = 403): void {
    this.failing.set(region, { code, status });
  }

  healRegion(region: string): void {
    this.failing.delete(region);
  }

  /** Requests to this region wait (a slow region) until releaseRegion answers them all. */
  holdRegion(region: string): void {
    if (!this.held.has(region)) this.held.set(region, []);
  }

  releaseRegion(region: string): void {
    const waiting = this.held.get(region) ?? [];
    this.held.delete(region);
    for (const go of waiting) go();
  }

  /** How many requests to a held region are waiting. */
  waitingIn(region: string): number {
    return this.held.get(region)?.length ?? 0;
  }

  callsOf(action: string): FakeCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const auth = String(req.headers['authorization'] ?? '');
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\/aws4_request/.exec(auth);
      const call: FakeCall = { action: params['Action'] ?? '', region: scope?.[2] ?? '', accessKeyId: scope?.[1] ?? '', params };
      this.calls.push(call);
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': this.requestId() });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
      };
      if (!scope) return send(401, this.error('AuthFailure', 'AWS was not able to validate the provided access credentials'));
      const hold = this.held.get(call.region);
      if (hold) {
        hold.push(() => this.handleScoped(call, send));
        return;
      }
      this.handleScoped(call, send);
    });
  }

  private handleScoped(call: FakeCall, send: (status: number, xml: string) => void): void {
    {
      if (this.throttle > 0) {
        this.throttle--;
        return send(503, this.error('RequestLimitExceeded', 'Request limit exceeded.'));
      }
      if (this.throttledRegions.has(call.region)) return send(503, this.error('RequestLimitExceeded', 'Request limit exceeded.'));
      const fail = this.failing.get(call.region);
      if (fail) return send(fail.status, this.error(fail.code, `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/test is not authorized to perform: ec2:${call.action}`));
      try {
        const out = this.answer(call);
        send(out.status ?? 200, out.xml);
      } catch (err) {
        send(400, this.error('InvalidParameterValue', (err as Error).message));
      }
    }
  }

  private requestId(): string {
    return `00000000-0000-4000-8000-${String(++this.requestSeq).padStart(12, '0')}`;
  }

  private error(code: string, message: string): string {
    return `<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${this.requestId()}</RequestID></Response>`;
  }

  private list(call: FakeCall): FakeInstance[] {
    const w = this.worlds.get(call.accessKeyId) ?? this.worlds.get('*');
    return w?.get(call.region) ?? [];
  }

  private indexed(params: Record<string, string>, prefix: string): string[] {
    const out: string[] = [];
    for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`]!);
    return out;
  }

  private page<T>(items: T[], params: Record<string, string>): { items: T[]; next?: string } {
    const start = Number(params['NextToken'] ?? 0);
    const max = Math.min(Number(params['MaxResults'] ?? 1000), this.pageSize);
    const end = start + max;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  }

  private advanceTransitions(instances: FakeInstance[]): void {
    for (const i of instances) {
      const p = this.pending.get(i.id);
      if (!p) continue;
      if (--p.afterDescribes <= 0) {
        i.state = p.to;
        this.pending.delete(i.id);
      }
    }
  }

  private answer(call: FakeCall): { xml: string; status?: number } {
    const p = call.params;
    const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    const rid = `<requestId>${this.requestId()}</requestId>`;
    const instances = this.list(call);
    switch (call.action) {
      case 'DescribeRegions': {
        const regions = new Set<string>();
        for (const w of this.worlds.values()) for (const r of w.keys()) regions.add(r);
        const items = [...regions].sort().map((r) => `${el('regionName', r)}${el('regionEndpoint', `ec2.${r}.amazonaws.com`)}${el('optInStatus', 'opt-in-not-required')}`);
        return { xml: `<DescribeRegionsResponse ${ns}>${rid}${set('regionInfo', items)}</DescribeRegionsResponse>` };
      }
      case 'DescribeInstances': {
        if (!p['NextToken']) this.advanceTransitions(instances);
        const { items, next } = this.page(instances, p);
        // One reservation per instance, as launches one at a time produce.
        const reservations = items.map((i, n) => `${el('reservationId', `r-${String(n).padStart(17, '0')}`)}${el('ownerId', '123456789012')}<groupSet/>${set('instancesSet', [this.instanceXml(i, call.region)])}`);
        return { xml: `<DescribeInstancesResponse ${ns}>${rid}${set('reservationSet', reservations)}${el('nextToken', next)}</DescribeInstancesResponse>` };
      }
      case 'DescribeInstanceStatus': {
        const ids = this.indexed(p, 'InstanceId');
        const all = p['IncludeAllInstances'] === 'true';
        const list = instances.filter((i) => (!ids.length || ids.includes(i.id)) && (all || i.state === 'running'));
        const { items, next } = this.page(list, p);
        const check = (s: string) => `${el('status', s)}<details><item>${el('name', 'reachability')}${el('status', s === 'impaired' ? 'failed' : s === 'ok' ? 'passed' : s)}</item></details>`;
        const xs = items.map((i) => {
          const running = i.state === 'running';
          const events = (i.events ?? []).map((e) => `${el('code', e.code)}${el('description', e.description)}${el('notBefore', e.notBefore)}`);
          return `${el('instanceId', i.id)}${el('availabilityZone', i.az ?? `${call.region}a`)}${set('eventsSet', events)}<instanceState>${state(i.state)}</instanceState><systemStatus>${check(running ? (i.system ?? 'ok') : 'not-applicable')}</systemStatus><instanceStatus>${check(running ? (i.instanceCheck ?? 'ok') : 'not-applicable')}</instanceStatus>`;
        });
        return { xml: `<DescribeInstanceStatusResponse ${ns}>${rid}${set('instanceStatusSet', xs)}${el('nextToken', next)}</DescribeInstanceStatusResponse>` };
      }
      case 'DescribeVolumes': {
        let wanted: string[] = [];
        for (let f = 1; p[`Filter.${f}.Name`] !== undefined; f++) if (p[`Filter.${f}.Name`] === 'attachment.instance-id') wanted = this.indexed(p, `Filter.${f}.Value`);
        const vols = instances.filter((i) => wanted.includes(i.id)).flatMap((i) => (i.volumes ?? []).map((v) => ({ i, v })));
        const { items, next } = this.page(vols, p);
        const xs = items.map(
          ({ i, v }) =>
            `${el('volumeId', v.id)}${el('size', v.sizeGiB)}${el('snapshotId', '')}${el('availabilityZone', i.az ?? `${call.region}a`)}${el('status', v.state ?? 'in-use')}${el('createTime', '2024-01-02T03:04:05.000Z')}` +
            set('attachmentSet', [`${el('volumeId', v.id)}${el('instanceId', i.id)}${el('device', v.device)}${el('status', 'attached')}${el('attachTime', '2024-01-02T03:04:05.000Z')}${el('deleteOnTermination', v.deleteOnTermination ?? true)}`]) +
            `${el('volumeType', v.type ?? 'gp3')}${el('encrypted', v.encrypted ?? false)}`,
        );
        return { xml: `<DescribeVolumesResponse ${ns}>${rid}${set('volumeSet', xs)}${el('nextToken', next)}</DescribeVolumesResponse>` };
      }
      case 'DescribeInstanceAttribute': {
        const i = instances.find((x) => x.id === p['InstanceId']);
        if (!i) return { status: 400, xml: this.error('InvalidInstanceID.NotFound', `The instance ID '${p['InstanceId'] ?? ''}' does not exist`) };
        const attr = p['Attribute'] ?? '';
        const value = attr === 'disableApiStop' ? !!i.disableApiStop : attr === 'disableApiTermination' ? !!i.disableApiTermination : undefined;
        if (value === undefined) return { status: 400, xml: this.error('InvalidParameterValue', `Value (${attr}) for parameter attribute is invalid.`) };
        return { xml: `<DescribeInstanceAttributeResponse ${ns}>${rid}${el('instanceId', i.id)}<${attr}>${el('value', value)}</${attr}></DescribeInstanceAttributeResponse>` };
      }
      case 'RebootInstances':
      case 'StopInstances':
      case 'StartInstances': {
        const ids = this.indexed(p, 'InstanceId');
        const targets = ids.map((id) => instances.find((x) => x.id === id));
        const missing = ids.find((_, n) => !targets[n]);
        if (missing) return { status: 400, xml: this.error('InvalidInstanceID.NotFound', `The instance ID '${missing}' does not exist`) };
        const found = targets as FakeInstance[];
        if (call.action === 'RebootInstances') return { xml: `<RebootInstancesResponse ${ns}>${rid}<return>true</return></RebootInstancesResponse>` };
        if (call.action === 'StopInstances') {
          const locked = found.find((i) => i.disableApiStop);
          if (locked) return { status: 400, xml: this.error('OperationNotPermitted', `The instance '${locked.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`) };
        }
        const [via, to, tag] = call.action === 'StopInstances' ? ['stopping', 'stopped', 'stoppingInstances'] : ['pending', 'running', 'startingInstances'];
        const changes = found.map((i) => {
          const prev = i.state;
          if (prev !== to) {
            i.state = via!;
            this.pending.set(i.id, { to: to!, afterDescribes: this.transitionDescribes });
          }
          return `${el('instanceId', i.id)}<currentState>${state(i.state)}</currentState><previousState>${state(prev)}</previousState>`;
        });
        const name = call.action === 'StopInstances' ? 'StopInstancesResponse' : 'StartInstancesResponse';
        return { xml: `<${name} ${ns}>${rid}${set(tag === 'stoppingInstances' ? 'instancesSet' : 'instancesSet', changes)}</${name}>` };
      }
      default:
        return { status: 400, xml: this.error('InvalidAction', `The action ${call.action} is not valid for this web service.`) };
    }
  }

  private instanceXml(i: FakeInstance, region: string): string {
    const tags = Object.entries(i.tags ?? {}).map(([k, v]) => `${el('key', k)}${el('value', v)}`);
    const bdm = (i.volumes ?? []).map((v) => `${el('deviceName', v.device)}<ebs>${el('volumeId', v.id)}${el('status', 'attached')}${el('attachTime', '2024-01-02T03:04:05.000Z')}${el('deleteOnTermination', v.deleteOnTermination ?? true)}</ebs>`);
    return (
      `${el('instanceId', i.id)}${el('imageId', 'ami-0123456789abcdef0')}<instanceState>${state(i.state)}</instanceState>` +
      `${el('privateDnsName', i.privateIp ? `ip-${i.privateIp.replace(/\./g, '-')}.${region}.compute.internal` : '')}${el('dnsName', '')}${el('reason', i.reason ?? '')}` +
      `${el('amiLaunchIndex', 0)}${el('instanceType', i.type ?? 't3.micro')}${el('launchTime', '2024-01-02T03:04:05.000Z')}` +
      `<placement>${el('availabilityZone', i.az ?? `${region}a`)}${el('tenancy', 'default')}</placement><monitoring>${el('state', 'disabled')}</monitoring>` +
      `${el('privateIpAddress', i.privateIp)}${el('ipAddress', i.publicIp)}${el('architecture', 'x86_64')}${el('rootDeviceType', 'ebs')}${el('rootDeviceName', '/dev/xvda')}` +
      set('blockDeviceMapping', bdm) +
      (tags.length ? set('tagSet', tags) : '')
    );
  }
}
