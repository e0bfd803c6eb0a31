// Shared harness of the failure-matrix fault-injection tests (test/integration/matrix-*.test.ts).
// It declares checks for lab-web2 and lab-db1 in a temp inventory, loads it through the real
// inventory provider, wires the whole console, accepts the hosts' current state as the baseline
// and waits for a clean poll. Tests then break a host (`inject`), look at the first poll that
// started after the fault (`firstPollAfter`), and run the finding's own repair (`repairWith`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { ActionPlan, FailureClass, Finding, Machine, PollResult, Severity } from '../../src/model/index.js';
import type { ActionRun } from '../../src/store/index.js';
import { shQuote } from '../../src/util/shell-quote.js';
import { labExec, labInfo, type LabInfo } from './lab.js';
import { waitFor } from './wait-for.js';

export const WEB = 'lab-web2';
export const DB = 'lab-db1';
export const APACHE_CONF = '/etc/apache2/apache2.conf';
export const SSHD_CONFIG = '/etc/ssh/sshd_config';
/** A log file the harness creates (0640 root:adm), watched for mode and ownership. */
export const PERM_LOG = '/var/log/remlite-faults.log';
export const DATA_DIR = '/srv/data/faults';
/** A data file the harness creates (64 KiB of random bytes), checksummed; the console keeps a copy. */
export const DATA_FILE = `${DATA_DIR}/app.db`;
export const CLEANUP_DIR = '/srv/data/tmp';
/** Where the inodes test mounts its tiny tmpfs; declared as a cleanup path. */
export const TINY_MOUNT = '/srv/tiny';
/** Built into the lab's kernel (listed in /sys/module inside the hosts; there is no /proc/modules). */
export const PRESENT_MODULE = 'overlay';
export const DATABASE = 'remlite_app';

export const POLL_MS = 1000;
/** The heavy checks (package verify, learned database tables) run at most this often on each host. */
export const HEAVY_SEC = 2;

/** Why the matrix tests cannot run here, or false. */
export function matrixSkip(): string | false {
  const info = labInfo();
  if ('skip' in info) return info.skip;
  const names = info.hosts.map((h) => h.name);
  const missing = [WEB, DB].filter((n) => !names.includes(n));
  return missing.length ? `the lab has no ${missing.join(', ')}` : false;
}

/**
 * Findings about the machine every lab host shares (its load average and memory): other work on
 * this machine can raise them at any time, so "clean" and "nothing else" checks leave them out.
 */
export const SHARED_MACHINE_CLASSES: readonly FailureClass[] = ['high-load', 'memory-pressure'];

export function ownFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !SHARED_MACHINE_CLASSES.includes(f.class));
}

/**
 * A host's own warnings and critical findings: what "healthy" means. Info findings stay out (a lab
 * host not yet accepted reports the conffiles its set-up changed as info).
 */
export function ownProblems(findings: readonly Finding[]): Finding[] {
  return ownFindings(findings).filter((f) => f.severity !== 'info');
}

/** A poll as the store applied it, with the findings the console drew from it. */
export interface Observed {
  poll: PollResult;
  findings: Finding[];
  severity: Severity;
}

export interface Repaired {
  plan: ActionPlan;
  run: ActionRun;
  /** When the repair had finished: the poll proving it must start after this. */
  doneAt: number;
}

export interface MatrixHarness {
  lab: LabInfo;
  core: RemliteConsole;
  stateDir: string;
  inventoryPath: string;
  machine(id: string): Machine;
  /** Runs a command inside a lab host and asserts it succeeded; its stdout. */
  sh(host: string, cmd: string): Promise<string>;
  /** Breaks a host with a command (must succeed); the time at which the fault is in place. */
  inject(host: string, cmd: string): Promise<number>;
  /** The first poll of the host that started at or after `t`, once the console applied it. */
  firstPollAfter(host: string, t: number, c?: RemliteConsole): Promise<Observed>;
  /** The first poll whose heavy checks (package verify, learned database tables) also ran at or after `t`. */
  firstHeavyPollAfter(host: string, t: number, c?: RemliteConsole): Promise<Observed>;
  /** Plans the finding's repair (its first one, or the one named) through the intents and runs it. */
  repairWith(finding: Finding, action?: string, c?: RemliteConsole): Promise<Repaired>;
  /** Another console over given machines (copies of lab hosts with other declarations), polling; closed by close(). */
  extraConsole(machines: Machine[]): RemliteConsole;
  close(): Promise<void>;
}

const q = shQuote;

/** Runs a command inside a lab host and asserts it succeeded; its stdout. */
export async function shIn(host: string, cmd: string): Promise<string> {
  const r = await labExec(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

function inventoryYaml(lab: LabInfo): string {
  const addr = (name: string) => lab.hosts.find((h) => h.name === name)!.address;
  return `defaults:
  user: root
  port: 22
  key: ${lab.clientKeyPath}
  known_hosts: ${lab.knownHostsPath}
  site: lab
hosts:
  - name: ${WEB}
    address: ${addr(WEB)}
    pool: web
    role: frontend
    services: [apache2, rsyslog, ssh]
    configs:
      - { path: ${APACHE_CONF}, service: apache2 }
      - { path: ${SSHD_CONFIG}, service: ssh }
    perm_files: [${PERM_LOG}]
    data: [${DATA_FILE}]
    modules: [${PRESENT_MODULE}]
    cleanup: [${CLEANUP_DIR}, ${TINY_MOUNT}]
  - name: ${DB}
    address: ${addr(DB)}
    pool: db
    role: database
    services: [mariadb, rsyslog, ssh]
    configs:
      - { path: ${SSHD_CONFIG}, service: ssh }
    perm_files: [${PERM_LOG}]
    modules: [${PRESENT_MODULE}]
    databases: [${DATABASE}]
    cleanup: [${CLEANUP_DIR}]
`;
}

/** Files, table data and the log the declarations name, created fresh on the hosts. */
async function prepareHosts(): Promise<void> {
  for (const host of [WEB, DB]) {
    await shIn(host, `: > ${PERM_LOG} && chown root:adm ${PERM_LOG} && chmod 0640 ${PERM_LOG} && mkdir -p ${CLEANUP_DIR}`);
  }
  await shIn(WEB, `mkdir -p ${DATA_DIR} && head -c 65536 /dev/urandom > ${DATA_FILE} && chmod 0640 ${DATA_FILE}`);
  await shIn(
    DB,
    `mysql -e 'DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE};
      CREATE TABLE ${DATABASE}.users (id INT PRIMARY KEY, name VARCHAR(40));
      CREATE TABLE ${DATABASE}.orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(9,2));
      INSERT INTO ${DATABASE}.users VALUES (1, "ada"), (2, "grace"), (3, "linus");
      INSERT INTO ${DATABASE}.orders VALUES (10, 1, 12.50), (11, 2, 7.25);'`,
  );
}

function newConsole(machines: Machine[], stateDir: string): RemliteConsole {
  return createConsole({
    machines,
    auditPath: join(stateDir, 'audit.log'),
    stateDir,
    pollIntervalMs: POLL_MS,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 8,
    logScrollback: 100,
    heavyCheckIntervalSec: HEAVY_SEC,
  });
}

/** A safety net against hangs (a poller that stopped), not a speed assertion. */
const OBSERVE_LIMIT_MS = 60_000;

function observe(c: RemliteConsole, host: string, t: number, heavy = false): Promise<Observed> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      unsubscribe?.();
      const last = c.store.getState().hosts[host]?.last;
      reject(new Error(`no poll of ${host} started after ${t} within ${OBSERVE_LIMIT_MS} ms (last poll at ${last?.at ?? '-'}, reach ${last?.reach ?? '-'})`));
    }, OBSERVE_LIMIT_MS);
    const check = (): boolean => {
      const h = c.store.getState().hosts[host];
      if (!h?.last || h.last.at < t) return false;
      if (heavy && (h.last.probe?.heavy?.atMs ?? 0) < t) return false;
      clearTimeout(timer);
      resolve({ poll: h.last, findings: h.findings, severity: h.severity });
      return true;
    };
    if (check()) return;
    unsubscribe = c.store.subscribe(() => {
      if (check()) unsubscribe?.();
    });
  });
}

/** Starts the harness: call in before(); throws when the lab is there but something is wrong. */
export async function startMatrixHarness(): Promise<MatrixHarness> {
  const info = labInfo();
  if ('skip' in info) throw new Error(info.skip);
  const lab = info;
  const stateDir = mkdtempSync(join(tmpdir(), 'remlite-matrix-'));
  const inventoryPath = join(stateDir, 'inventory.yaml');
  writeFileSync(inventoryPath, inventoryYaml(lab));

  // Known-good copies kept outside the console, to put the hosts back whatever a test left.
  const saved = {
    apache: (await shIn(WEB, `base64 -w0 < ${APACHE_CONF}`)).trim(),
    sshdWeb: (await shIn(WEB, `base64 -w0 < ${SSHD_CONFIG}`)).trim(),
    sshdDb: (await shIn(DB, `base64 -w0 < ${SSHD_CONFIG}`)).trim(),
  };
  await prepareHosts();

  const fleet = await loadFleet({ inventoryPath, noSshConfig: true, includeLocal: false });
  assert.deepEqual(fleet.machines.map((m) => m.id).sort(), [DB, WEB]);
  const core = newConsole(fleet.machines, stateDir);
  const extras: RemliteConsole[] = [];
  core.poller.start();
  try {
    await waitFor('both hosts to answer a probe', () => [WEB, DB].every((id) => core.store.getState().hosts[id]?.last?.reach === 'ok'));
    for (const id of [WEB, DB]) {
      await core.intents.acceptBaseline({ machineId: id });
      assert.ok(core.store.getState().baselineInfo[id], `baseline of ${id} accepted: ${core.store.getState().notice?.text ?? ''}`);
    }
  } catch (err) {
    await core.close();
    throw err;
  }

  const h: MatrixHarness = {
    lab,
    core,
    stateDir,
    inventoryPath,
    machine: (id) => fleet.machines.find((m) => m.id === id)!,
    sh: shIn,
    async inject(host, cmd) {
      await shIn(host, cmd);
      return Date.now();
    },
    firstPollAfter: (host, t, c = core) => observe(c, host, t),
    firstHeavyPollAfter: (host, t, c = core) => observe(c, host, t, true),
    async repairWith(finding, action, c = core) {
      const ref = action ? finding.repairs.find((r) => r.action === action) : finding.repairs[0];
      assert.ok(ref, `finding "${finding.summary}" offers ${action ?? 'a repair'}: ${finding.repairs.map((r) => r.action).join(', ') || 'none'}`);
      const planned = c.intents.plan({ machineId: finding.machineId, action: ref.action, params: ref.params });
      assert.ok('plan' in planned, 'refused' in planned ? `${ref.action} refused: ${planned.refused}` : '');
      await c.intents.run(planned.plan);
      const doneAt = Date.now();
      const run = c.store.getState().actions.find((a) => a.plan === planned.plan);
      assert.ok(run, 'the run is in the store');
      assert.equal(run.state, 'succeeded', `${planned.plan.title}: ${run.result?.error ?? ''}\n${run.result?.outputTail ?? ''}`);
      return { plan: planned.plan, run, doneAt };
    },
    extraConsole(machines) {
      const c = newConsole(machines, mkdtempSync(join(stateDir, 'extra-')));
      extras.push(c);
      c.poller.start();
      return c;
    },
    async close() {
      for (const c of extras) await c.close();
      await core.close();
      // Put back whatever a failed assertion left behind.
      await labExec(WEB, `echo ${q(saved.apache)} | base64 -d > ${APACHE_CONF} && chmod 0644 ${APACHE_CONF} && chown root:root ${APACHE_CONF}`);
      await labExec(WEB, `echo ${q(saved.sshdWeb)} | base64 -d > ${SSHD_CONFIG} && chmod 0644 ${SSHD_CONFIG}`);
      await labExec(DB, `echo ${q(saved.sshdDb)} | base64 -d > ${SSHD_CONFIG} && chmod 0644 ${SSHD_CONFIG}`);
      await labExec(WEB, 'systemctl is-active --quiet apache2 || systemctl restart apache2');
      for (const host of [WEB, DB]) {
        await labExec(host, `systemctl is-active --quiet ssh || systemctl start ssh; rm -f ${PERM_LOG}; rm -rf ${CLEANUP_DIR}`);
      }
      await labExec(WEB, `rm -rf ${DATA_DIR}`);
      await labExec(DB, `mysql -e 'DROP DATABASE IF EXISTS ${DATABASE}'`);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };

  // A clean start: the first poll after the baselines has no finding (but the shared machine's load).
  // A start that fails closes what it opened (here and above): the caller never gets h to close,
  // and the open connections would keep the test process alive past its failure.
  try {
    const accepted = Date.now();
    for (const id of [WEB, DB]) {
      const first = await h.firstPollAfter(id, accepted);
      assert.deepEqual(
        ownFindings(first.findings).map((f) => `${f.class} ${f.severity}: ${f.summary}`),
        [],
        `${id} is clean after the baseline`,
      );
    }
  } catch (err) {
    await h.close();
    throw err;
  }
  return h;
}

/** The finding of a class (and subject) in an observed poll; fails listing what was there. */
export function findingOf(obs: Observed, cls: FailureClass, subject?: string): Finding {
  const f = obs.findings.find((x) => x.class === cls && (subject === undefined || x.subject === subject));
  assert.ok(f, `a ${cls} finding${subject ? ` for ${subject}` : ''} in the poll at ${obs.poll.at} (reach ${obs.poll.reach}); got: ${obs.findings.map((x) => `${x.class} ${x.subject ?? ''}`).join('; ') || 'none'}`);
  return f;
}

/** Asserts an observed poll has no finding of a class (for that subject). */
export function assertCleared(obs: Observed, cls: FailureClass, subject?: string): void {
  const left = obs.findings.filter((x) => x.class === cls && (subject === undefined || x.subject === subject));
  assert.deepEqual(left.map((x) => x.summary), [], `${cls}${subject ? ` ${subject}` : ''} cleared in the poll at ${obs.poll.at}`);
}
