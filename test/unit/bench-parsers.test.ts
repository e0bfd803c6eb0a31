import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGnuTime, parseMachineCpu, parseProcStat, threadSplitMs, threadTicks, treeTicks, type ProcStat } from '../../bench/proc-cpu.js';
import { diffBytes, parseOpenSshTransferred, parseSsBytes, socketsOf } from '../../bench/socket-bytes.js';
import { describeNegotiated, opensshMatchingOptions, parseSshdKex } from '../../bench/sshd-kex.js';
import { fleetAddresses } from '../../bench/sshd-fleet.js';

test('proc stat: fields are counted from the last parenthesis, so odd command names do not shift them', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const line = '4242 (ssh: /tmp/x (1) [mux]) S 1 4242 4242 0 -1 4194368 120 0 0 0 17 5 30 12 20 0 1 0 999 1000 200';
  assert.deepEqual(parseProcStat(line), { pid: 4242, ppid: 1, ownTicks: 22, childTicks: 42 });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('12 (sh) S 1 2 3'), undefined, 'too few fields');
});

test('tree ticks: a root and all its descendants, live time plus reaped children, nothing outside', () => {
  const s = (pid: number, ppid: number, own: number, child: number): ProcStat => ({ pid, ppid, ownTicks: own, childTicks: child });
  const stats = [s(10, 1, 5, 100), s(11, 10, 3, 0), s(12, 11, 2, 7), s(20, 1, 50, 50), s(21, 20, 9, 0)];
  assert.equal(treeTicks(stats, [10]), 5 + 100 + 3 + 2 + 7);
  assert.equal(treeTicks(stats, [10, 20]), 117 + 109);
  assert.equal(treeTicks(stats, [99]), 0, 'a root that is gone counts nothing');
});

test('machine CPU: /proc/stat\'s aggregate line, busy without idle and iowait, guest time not counted twice', () => {
  const stat = ['cpu  100 5 40 800 30 2 3 1 7 0', 'cpu0 50 2 20 400 15 1 1 0 3 0', 'intr 12345'].join('\n');
  // busy = user + nice + system + irq + softirq + steal = 151 ticks; in all with idle and iowait: 981 (10 ms a tick).
  assert.deepEqual(parseMachineCpu(stat), { busyMs: 1510, totalMs: 9810 });
  assert.equal(parseMachineCpu('cpu0 1 2 3 4 5'), undefined, 'only the aggregate line counts');
  assert.equal(parseMachineCpu('cpu  1 x 3 4 5'), undefined);
});

test('GNU time: the last line of three numbers, also after a "terminated by signal" line', () => {
  assert.deepEqual(parseGnuTime('12.34 1.50 0.25\n'), { wallS: 12.34, userS: 1.5, sysS: 0.25 });
  assert.deepEqual(parseGnuTime('Command terminated by signal 9\n3.00 0.10 0.20\n'), { wallS: 3, userS: 0.1, sysS: 0.2 });
  assert.equal(parseGnuTime('Command exited with non-zero status 1\n'), undefined);
});

test('ss -tinHO: byte counters per socket, and the difference of two readings', () => {
  const before = parseSsBytes(
    [
      '0      0      127.0.0.1:42424 127.78.0.1:22 bbr wscale:10,10 rto:212 bytes_sent:2189 bytes_acked:2190 bytes_received:2669 segs_out:19',
      '0      0      127.0.0.1:47914 127.78.0.2:22 bbr bytes_sent:2005 bytes_acked:2006 bytes_received:2233 segs_out:12',
    ].join('\n'),
  );
  assert.deepEqual(before.get('127.0.0.1:42424 127.78.0.1:22'), { sent: 2189, received: 2669, pids: [] });
  const after = parseSsBytes(
    [
      '0 0 127.0.0.1:42424 127.78.0.1:22 users:(("node",pid=77,fd=25)) bbr bytes_sent:2500 bytes_acked:2501 bytes_received:12669',
      '0 0 127.0.0.1:50000 127.78.0.3:22 users:(("ssh",pid=90,fd=3),("ssh",pid=91,fd=3)) bbr bytes_sent:100 bytes_received:200',
    ].join('\n'),
  );
  assert.deepEqual(diffBytes(before, after), { total: 311 + 10000 + 300, opened: 1, closed: 1 });
  assert.deepEqual(after.get('127.0.0.1:50000 127.78.0.3:22')?.pids, [90, 91]);
  // One tool's sockets while another's stay open: remlite's are the bench process's own.
  assert.deepEqual([...socketsOf(after, 77, true).keys()], ['127.0.0.1:42424 127.78.0.1:22']);
  assert.deepEqual([...socketsOf(after, 77, false).keys()], ['127.0.0.1:50000 127.78.0.3:22']);
  assert.equal(parseSsBytes('State Recv-Q\n').size, 0, 'a header line is not a socket');
});

test("OpenSSH's own byte count at LogLevel VERBOSE", () => {
  assert.equal(parseOpenSshTransferred('Authenticated to x\nTransferred: sent 2084, received 2356 bytes, in 0.5 seconds\n'), 4440);
  assert.equal(parseOpenSshTransferred('Connection refused'), undefined);
});

const KEX = (client: string, cipher: string, scCipher = cipher) =>
  [
    `debug1: Remote protocol version 2.0, remote software version ${client}`,
    'debug1: kex: algorithm: curve25519-sha256@libssh.org [preauth]',
    'debug1: kex: host key algorithm: ssh-ed25519 [preauth]',
    `debug1: kex: client->server cipher: ${cipher} MAC: <implicit> compression: none [preauth]`,
    `debug1: kex: server->client cipher: ${scCipher} MAC: <implicit> compression: none [preauth]`,
  ].join('\n');

test('sshd kex log: the last complete key exchange, both directions compared', () => {
  const n = parseSshdKex(`${KEX('OpenSSH_9.2p1', 'chacha20-poly1305@openssh.com')}\n${KEX('ssh2js1.17.0', 'aes128-gcm@openssh.com')}`);
  assert.deepEqual(n, {
    client: 'ssh2js1.17.0',
    kex: 'curve25519-sha256@libssh.org',
    hostKey: 'ssh-ed25519',
    cipher: 'aes128-gcm@openssh.com',
    mac: '<implicit>',
    compression: 'none',
    symmetric: true,
  });
  assert.match(describeNegotiated(n), /ssh2js1\.17\.0: kex curve25519-sha256@libssh\.org, host key ssh-ed25519, cipher aes128-gcm@openssh\.com \(MAC implicit\)/);
  assert.equal(parseSshdKex(KEX('x', 'aes128-ctr', 'aes256-ctr'))?.symmetric, false);
  assert.equal(parseSshdKex('Connection from 127.0.0.1\n'), undefined);
  assert.match(describeNegotiated(undefined), /no key exchange/);
});

test('OpenSSH is told the negotiated kex and cipher; a MAC only when the cipher has none built in', () => {
  const n = parseSshdKex(KEX('ssh2js1.17.0', 'aes128-gcm@openssh.com'))!;
  assert.deepEqual(opensshMatchingOptions(n), ['-o', 'KexAlgorithms=curve25519-sha256@libssh.org', '-o', 'Ciphers=aes128-gcm@openssh.com']);
  assert.deepEqual(opensshMatchingOptions({ ...n, cipher: 'aes128-ctr', mac: 'hmac-sha2-256' }).slice(-2), ['-o', 'MACs=hmac-sha2-256']);
  assert.deepEqual(opensshMatchingOptions(undefined), ['-o', 'KexAlgorithms=curve25519-sha256']);
});

test('fleet addresses: 250 per third octet, the CIDR ss looks in', () => {
  const small = fleetAddresses('127.78.201', 200);
  assert.equal(small.addresses[0], '127.78.201.1');
  assert.equal(small.addresses[199], '127.78.201.200');
  assert.equal(small.cidr, '127.78.201.0/24');
  const big = fleetAddresses('127.78.0', 600);
  assert.equal(big.addresses[250], '127.78.1.1');
  assert.equal(big.addresses[599], '127.78.2.100');
  assert.equal(big.cidr, '127.78.0.0/16');
});

test('threadSplitMs: the main thread, the busiest other one, and the rest (threads born in between from zero)', () => {
  const before = new Map([[100, 50], [101, 10], [102, 7]]);
  const after = new Map([[100, 80], [101, 90], [102, 9], [103, 4]]);
  assert.deepEqual(threadSplitMs(before, after, 100), { main: 300, busiest: 800, rest: 60 });
  const own = threadTicks();
  assert.ok(own.has(process.pid), 'this process\'s main thread is among its threads');
});
