// Repairs of the failure matrix against real lab hosts: accept a baseline, break the host the way
// the matrix describes (bad config + failed restart, random data, chmod 000, full cleanup dir,
// dropped table), run the planned repair through the console's intents and prove the host is back.
// (Detection is covered by the matrix tests; here the repairs are proven on real hosts.)
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { ActionIntent, ActionPlan, HostChecks, Machine } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';
import type { ActionRun } from '../../src/store/index.js';
import { shQuote } from '../../src/util/shell-quote.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const WEB = 'lab-web2';
const DB = 'lab-db1';
const CONF = '/etc/apache2/apache2.conf';
const DATA = "/srv/data/app/it's $(x).db";
const LOG = '/var/log/apache2/error.log';
const CLEAN = '/srv/data/tmp';

let lab: LabInfo;
let core: RemliteConsole;
let stateDir: string;
let originalConf = '';

const q = shQuote;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await labExec(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

function withChecks(m: Machine, checks: Partial<HostChecks>): Machine {
  return { ...m, checks: { ...NO_CHECKS, ...checks } };
}

before(async () => {
  if (skip) return;
  lab = info as LabInfo;
  originalConf = await sh(WEB, `base64 < ${CONF}`);
  await sh(WEB, `mkdir -p /srv/data/app ${CLEAN} && head -c 65536 /dev/urandom > ${q(DATA)} && chmod 0640 ${q(DATA)}`);
  await sh(
    DB,
    `mysql -e 'DROP DATABASE IF EXISTS remlite_app; CREATE DATABASE remlite_app;
      CREATE TABLE remlite_app.users (id INT PRIMARY KEY, name VARCHAR(40));
      CREATE TABLE remlite_app.orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(9,2));
      INSERT INTO remlite_app.users VALUES (1, "ada"), (2, "grace");
      INSERT INTO remlite_app.orders VALUES (10, 1, 12.50);'`,
  );
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  const machines = fleet.machines
    .filter((m) => m.id === WEB || m.id === DB)
    .map((m) =>
      m.id === WEB
        ? withChecks(m, { configs: [{ path: CONF, service: 'apache2' }], dataPaths: [DATA], permFiles: [LOG], cleanupPaths: [CLEAN] })
        : withChecks(m, { databases: [{ engine: 'mysql', name: 'remlite_app' }] }),
    );
  stateDir = mkdtempSync(join(tmpdir(), 'remlite-repairs-'));
  core = createConsole({
    machines,
    auditPath: join(stateDir, 'audit.log'),
    stateDir,
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 5000,
    maxConcurrent: 8,
    logScrollback: 100,
  });
  core.poller.start();
  await waitFor('both hosts to answer a probe', () => [WEB, DB].every((id) => core.store.getState().hosts[id]?.last?.reach === 'ok'));
});

after(async () => {
  if (core) await core.close();
  if (skip) return;
  // Whatever a failed assertion left behind: the original config, apache running, our files gone.
  await labExec(WEB, `echo ${q(originalConf.replace(/\n/g, ''))} | base64 -d > ${CONF} && chmod 0644 ${CONF} && chmod 0640 ${LOG} && systemctl restart apache2`);
  await labExec(WEB, 'rm -rf /srv/data/app /srv/data/tmp');
  await labExec(DB, "mysql -e 'DROP DATABASE IF EXISTS remlite_app'");
});

function plan(intent: Omit<ActionIntent, 'machineId'> & { machineId?: string }): ActionPlan {
  const r = core.intents.plan({ machineId: WEB, ...intent });
  assert.ok('plan' in r, 'refused' in r ? r.refused : '');
  return r.plan;
}

async function run(p: ActionPlan): Promise<ActionRun> {
  await core.intents.run(p);
  const done = core.store.getState().actions.find((a) => a.plan === p);
  assert.ok(done);
  assert.equal(done.state, 'succeeded', `${p.title}: ${done.result?.error ?? ''}\n${done.result?.outputTail ?? ''}`);
  return done;
}

async function nextPollAfter(machineId: string, since: number) {
  for (;;) {
    const r = await core.poller.nextPoll(machineId);
    if (r.at >= since) return r;
  }
}

const sha = async (host: string, path: string) => (await sh(host, `sha256sum < ${q(path)}`)).slice(0, 64);

test('accept current as good: copies, modes, tables and a dump are stored; the audit names them without contents', { skip }, async () => {
  await core.intents.acceptBaseline({ machineId: WEB });
  await core.intents.acceptBaseline({ machineId: DB });
  const notice = core.store.getState().notice;
  assert.ok(core.store.getState().baselineInfo[WEB], notice?.text);
  assert.ok(core.store.getState().baselineInfo[DB], notice?.text);

  const web = core.baselines.load(WEB).baseline!;
  assert.equal(web.files[CONF]?.sha256, await sha(WEB, CONF));
  assert.equal(web.files[DATA]?.sha256, await sha(WEB, DATA));
  assert.equal(web.files[DATA]?.mode, '0640');
  assert.deepEqual([web.files[LOG]?.mode, web.files[LOG]?.owner, web.files[LOG]?.group], ['0640', 'root', 'adm']);
  assert.equal(web.files[LOG]?.copy, undefined, 'logs are not copied');
  assert.deepEqual(core.baselines.readCopy(WEB, web.files[DATA]!.copy!), Buffer.from((await sh(WEB, `base64 < ${q(DATA)}`)).replace(/\n/g, ''), 'base64'));

  const db = core.baselines.load(DB).baseline!;
  assert.deepEqual([...(db.databases['remlite_app']?.tables ?? [])].sort(), ['orders', 'users']);
  const dump = core.baselines.newestDump(DB, 'remlite_app');
  assert.ok(dump && dump.name === db.databases['remlite_app']?.dump);
  assert.match(readFileSync(join(core.baselines.hostDir(DB), 'dumps', dump.name), 'utf8'), /CREATE TABLE `orders`/);

  const audit = readFileSync(join(stateDir, 'audit.log'), 'utf8');
  const accepts = audit.split('\n').filter((l) => l.includes('"baseline.accept"'));
  assert.equal(accepts.filter((l) => l.includes('"finished"')).length, 2);
  assert.match(audit, /apache2\.conf 0644 root:root sha256/);
  assert.doesNotMatch(audit, /ServerRoot|INSERT INTO/, 'no file content nor dump in the audit log');
});

test('bad config + failed restart: config.restore writes the copy back, tests, restarts; apache2 active', { skip }, async () => {
  await sh(WEB, `printf 'ThisIsNotADirective on\\n' >> ${CONF}; systemctl restart apache2 || true`);
  const broken = Date.now();
  assert.equal((await labExec(WEB, 'systemctl is-active apache2')).stdout.trim(), 'failed');
  const poll = await nextPollAfter(WEB, broken);
  assert.equal(poll.probe?.services.find((s) => s.name === 'apache2')?.active, 'failed');
  await waitFor('the store to hold that poll', () => core.store.getState().hosts[WEB]?.last?.at === poll.at);

  const p = plan({ action: 'config.restore', params: { path: CONF, service: 'apache2' } });
  const baseline = core.baselines.load(WEB).baseline!;
  assert.equal(p.input?.sha256, baseline.files[CONF]?.sha256);
  assert.match(p.input?.description ?? '', /^baseline copy of \/etc\/apache2\/apache2\.conf accepted .* by /);
  // The directory and file are checked, the copy is staged beside the config through an exclusive
  // temp file, then swapped in, tested and restarted by one transient unit.
  assert.ok(p.command.includes('{ cd -P -- /etc/apache2; }'), p.command);
  assert.ok(p.command.includes('chown -h -- root:root "$tmp" && chmod -- 0644 "$tmp" && mv -f -- "$tmp" ./.apache2.conf.remlite-new )'), p.command);
  assert.ok(p.command.includes(`; mv -f -- /etc/apache2/.apache2.conf.remlite-new ${CONF} ||`), p.command);
  assert.ok(p.command.includes('then apachectl configtest; fi'), p.command);
  assert.ok(p.command.includes('; if systemctl restart -- apache2.service && systemctl is-active -- apache2.service; then'), p.command);
  await run(p);
  assert.equal(await sha(WEB, CONF), baseline.files[CONF]?.sha256);
  assert.equal((await sh(WEB, `stat -c '%a %U %G' ${CONF}`)).trim(), '644 root root');
  assert.equal((await sh(WEB, 'systemctl is-active apache2')).trim(), 'active');
  assert.equal((await sh(WEB, "ls -a /etc/apache2 | grep -c remlite || true")).trim(), '0', 'no temp file left');
});

test('random bytes over a data file (hostile name): data.restore puts the kept copy back byte for byte', { skip }, async () => {
  const good = core.baselines.load(WEB).baseline!.files[DATA]!;
  await sh(WEB, `head -c 4096 /dev/urandom > ${q(DATA)} && chmod 0666 ${q(DATA)}`);
  assert.notEqual(await sha(WEB, DATA), good.sha256);
  const p = plan({ action: 'data.restore', params: { path: DATA } });
  assert.ok(p.command.includes(`cd -P -- /srv/data/app;`) && p.command.includes(`mv -f -- "$tmp" './it'\\''s $(x).db' )`), p.command);
  await run(p);
  assert.equal(await sha(WEB, DATA), good.sha256);
  assert.equal((await sh(WEB, `stat -c %a ${q(DATA)}`)).trim(), '640');
  assert.equal((await sh(WEB, 'ls /srv/data/app | wc -l')).trim(), '1', 'only the data file, no temp file, no "$(x)" side effect');
});

test('chmod 000 on the log apache2 writes: perms.restore puts mode and owner back', { skip }, async () => {
  await sh(WEB, `chmod 000 ${LOG} && chown nobody:nogroup ${LOG}`);
  const p = plan({ action: 'perms.restore', params: { path: LOG } });
  assert.ok(p.command.startsWith('{ { cd -P -- /var/log/apache2; }') && p.command.endsWith(' && chown -h -- root:adm ./error.log && chmod -- 0640 ./error.log'), p.command);
  await run(p);
  assert.equal((await sh(WEB, `stat -c '%a %U %G' ${LOG}`)).trim(), '640 root adm');
});

test('disk.cleanup on /srv/data: the preview states the bytes du sees of the files older than 7 days, the run deletes exactly those files', { skip }, async () => {
  await sh(
    WEB,
    `cd ${CLEAN} && head -c 3000000 /dev/zero > app.log.1 && head -c 1234567 /dev/zero | gzip -1 > app.log.2.gz && head -c 2500000 /dev/urandom > app.log.3.gz && echo old > app.old && touch -d '10 days ago' *`,
  );
  const expected = Number((await sh(WEB, `find ${CLEAN} -type f -printf '%s\\n' | awk '{s+=$1} END {print s}'`)).trim());
  const du = Number((await sh(WEB, `du -b -s --apparent-size ${CLEAN}/* | awk '{s+=$1} END {print s}'`)).trim());
  assert.equal(expected, du);
  const refreshed = Date.now();
  core.intents.refresh(WEB);
  await nextPollAfter(WEB, refreshed);
  await waitFor('the probe to list /srv/data', () => core.store.getState().hosts[WEB]?.probe?.volumes.some((v) => v.mount === '/srv/data'));

  const p = plan({ action: 'disk.cleanup', params: { mount: '/srv/data' } });
  assert.ok(p.preview, 'cleanup has a preview');
  assert.ok(p.command.endsWith(`{ [ ! -d ${CLEAN} ] || find -P ${CLEAN} -xdev -type f -mmin +10080 -printf '%s\\t%p\\n' -delete; }`), p.command);
  const preview = await core.intents.preview(p);
  assert.match(preview, new RegExp(`would free .* \\(${du} bytes\\) in 4 files`));
  assert.match(preview, /app\.log\.1/);
  assert.equal((await sh(WEB, `ls ${CLEAN} | wc -l`)).trim(), '4', 'the preview deleted nothing');
  await run(p);
  assert.equal((await sh(WEB, `ls -A ${CLEAN} | wc -l`)).trim(), '0');
});

test('a dropped table: db.dump stores a new dump (not audited), db.restore brings the tables back', { skip }, async () => {
  const before = core.baselines.newestDump(DB, 'remlite_app');
  const dumpPlan = plan({ machineId: DB, action: 'db.dump', params: { database: 'remlite_app' } });
  assert.equal(dumpPlan.command, 'mysqldump --single-transaction remlite_app');
  const dumped = await run(dumpPlan);
  assert.match(dumped.result?.outputTail ?? '', /stored dump remlite_app-.*\.sql \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
  const after = core.baselines.newestDump(DB, 'remlite_app');
  assert.ok(after && after.name !== before?.name);
  assert.equal(core.baselines.load(DB).baseline?.databases['remlite_app']?.dump, after.name, 'the baseline names the newest dump');

  await sh(DB, "mysql -e 'DROP TABLE remlite_app.orders'");
  const p = plan({ machineId: DB, action: 'db.restore', params: { database: 'remlite_app', tables: 'orders' } });
  assert.ok(p.command.includes(`mysql remlite_app < "$f"`), p.command);
  assert.deepEqual([p.input?.baselineFile, p.input?.sha256], [after.name, after.sha256]);
  await run(p);
  assert.equal((await sh(DB, "mysql -N -B -e 'SHOW TABLES' remlite_app")).split('\n').filter(Boolean).sort().join(','), 'orders,users');
  assert.equal((await sh(DB, "mysql -N -B -e 'SELECT total FROM remlite_app.orders WHERE id = 10'")).trim(), '12.50');
  assert.doesNotMatch(readFileSync(join(stateDir, 'audit.log'), 'utf8'), /INSERT INTO|CREATE TABLE/);
});
