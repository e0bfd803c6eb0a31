import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { createFleetStore, type Intents } from '../../src/store/index.js';
import { planAction } from '../../src/actions/planner.js';
import type { ActionPlan, Ec2Info, Machine } from '../../src/model/index.js';
import { machine, probe, volume, NOW, typeKeys } from './views-fixtures.js';
import { waitFor } from '../support/wait-for.js';

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));
afterEach(() => cleanup());

function cloud(extra: Partial<Ec2Info>): Ec2Info {
  return {
    instanceId: 'i-0abc1234',
    region: 'eu-west-1',
    account: 'prod',
    profile: 'prod',
    state: 'running',
    stateReason: '',
    instanceType: 'm5.large',
    az: 'eu-west-1c',
    privateIp: '10.0.0.9',
    tags: {},
    volumes: [
      { volumeId: 'vol-0aaa1111', device: '/dev/xvda', sizeGiB: 20, type: 'gp3', state: 'in-use', attachState: 'attached', deleteOnTermination: true, encrypted: true },
      { volumeId: 'vol-0bbb2222', device: '/dev/sdf', sizeGiB: 500, type: 'st1', state: 'in-use', attachState: 'detaching', deleteOnTermination: false, encrypted: false },
    ],
    ...extra,
  };
}

function ec2Machine(id: string, name: string, c: Partial<Ec2Info>): Machine {
  return machine(id, 'web', { name, provider: 'ec2', site: 'eu-west-1', cloud: cloud(c), services: [], logs: [] });
}

function setup() {
  const store = createFleetStore();
  const app1 = ec2Machine('ec2:prod:eu-west-1:i-0abc1234', 'app1', {});
  const batch = ec2Machine('ec2:prod:eu-west-1:i-0def5678', 'batch1', { instanceId: 'i-0def5678', state: 'stopping' });
  store.getState().setMachines([app1, batch]);
  store.getState().applyPolls([
    { result: { machineId: app1.id, at: NOW, reach: 'ok', latencyMs: 30, probe: probe('app1', { volumes: [volume('/', 42), volume('/data', 10)] }) }, findings: [] },
    { result: { machineId: batch.id, at: NOW, reach: 'cloud-stopped', error: 'EC2 instance is stopping: not probed' }, findings: [] },
  ]);
  const runs: ActionPlan[] = [];
  const intents: Intents = {
    plan: (intent) => planAction(intent, store.getState().hosts[intent.machineId], store.getState().readOnly),
    run: async (plan) => void runs.push(plan),
    openLog: () => undefined,
    openPoolLog: () => undefined,
    closeLog: () => undefined,
    trustHostKey: async () => ({ trusted: false, reason: 'not in this test' }),
    refresh: () => undefined,
    openShell: async () => ({ refused: 'not in this test' }),
    repairPool: async () => undefined,
    acceptBaseline: async () => undefined,
    preview: async () => '',
  };
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => r.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    await tick(); // let the screen that shows subscribe to input (passive effect) before the keys land
    await typeKeys(r, ...keys);
  };
  /** Waits for the frame to show `re` (renders may lag on a loaded machine), failing with the frame. */
  const see = (re: RegExp) =>
    waitFor(`frame to match ${re}`, () => re.test(frame()), 5000).catch((e: Error) => {
      throw new Error(`${e.message}\n${frame()}`);
    });
  return { store, frame, press, see, runs, batch };
}

test('grid shows the EC2 state of an instance that is not running, live as the provider re-lists it', async () => {
  const { store, see, batch } = setup();
  await tick();
  await see(/batch1\s.*ec2\s.*stopping/);
  await see(/app1\s.*ec2\s.*ok/);
  await see(/2 hosts\s+1 ok.*1 not probed/);
  store.getState().setMachines([store.getState().hosts[Object.keys(store.getState().hosts)[0]!]!.machine, { ...batch, cloud: { ...batch.cloud!, state: 'stopped' } }]);
  await tick();
  await see(/batch1\s.*stopped/);
});

test('host view: instance in the header, EBS volumes beside the mounted filesystems, O asks to stop with the aws command', async () => {
  const { press, see, runs } = setup();
  await see(/app1/);
  await press('\r'); // app1 sorts first
  await see(/i-0abc1234 m5\.large eu-west-1c/);
  await see(/B reboot/);
  await press('2');
  await see(/MOUNT/);
  await see(/\/data/);
  await see(/EBS \(EC2 API\) · 2 volumes/);
  await see(/vol-0aaa1111\s+\/dev\/xvda\s+20G\s+gp3\s+in-use/);
  await see(/vol-0bbb2222\s+\/dev\/sdf\s+500G\s+st1\s+in-use\/detaching/);
  await press('O');
  await see(/Confirm: Stop EC2 instance/);
  await see(/aws ec2 stop-instances --region eu-west-1 --instance-ids i-0abc1234 --profile prod/);
  await see(/\(cloud\)/);
  await press('y');
  await waitFor('the confirmed plan to run', () => runs.length > 0, 5000);
  assert.deepEqual(runs.map((p) => p.intent.action), ['ec2.stop']);
});

test('cloud action keys are refused for a state they do not fit, and hidden in read-only mode', async () => {
  const { store, frame, press, see } = setup();
  await tick();
  await see(/batch1/);
  await press('j', '\r'); // batch1, stopping
  await see(/i-0def5678 m5\.large eu-west-1c stopping/);
  await see(/B reboot/);
  await press('I');
  await see(/refused: .*cannot start an instance that is stopping/);
  store.setState({ readOnly: true });
  await press('2'); // any key clears the message; the footer shows the keys again
  await see(/READ-ONLY/);
  assert.doesNotMatch(frame(), /B reboot/);
});
