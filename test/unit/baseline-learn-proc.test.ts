// Learning listening sockets without ss: /proc/net/tcp{,6} entries in state LISTEN, the socket
// inodes the host's processes hold (/proc/PID/fd) and their cgroups. Lines as a lab host printed them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProcNetAddress, parseLearned } from '../../src/baseline/learn-parse.js';

const UNITS = ['U Id=apache2.service', 'U Transient=no', 'U ', 'U Id=ssh.service', 'U Transient=no'];

test('/proc/net/tcp addresses decode as ss prints them (IPv4 little-endian words, IPv6 four of them)', () => {
  assert.equal(decodeProcNetAddress('01014D7F:0050'), '127.77.1.1:80');
  assert.equal(decodeProcNetAddress('00000000:0016'), '0.0.0.0:22');
  assert.equal(decodeProcNetAddress('00000000000000000000000000000000:0050'), '[::]:80');
  assert.equal(decodeProcNetAddress('00000000000000000000000001000000:0CEA'), '[::1]:3306');
  assert.equal(decodeProcNetAddress('B80D0120000000000000000001000000:01BB'), '[2001:db8::1]:443');
  assert.equal(decodeProcNetAddress('0000000000000000FFFF00000100007F:0019'), '[::ffff:7f00:1]:25');
  for (const bad of ['', '0100007F', '0100007G:0050', '0100007F:50', '$(id):0050', '0100007F:0050 x']) assert.equal(decodeProcNetAddress(bad), undefined, bad);
});

test('without ss: sockets come from /proc, belong to the unit of the process holding the inode, and the baseline says so', () => {
  const l = parseLearned([
    ...UNITS,
    'W proc',
    'Q 01014D7F:0050 58431 http',
    'Q 01014D7F:0016 58406 tcp',
    'Q 00000000000000000000000000000000:0016 58407 tcp',
    'Q 0100007F:1F90 99999 tcp',
    'I 58406 82',
    'C 82 /remlite-lab-1/lab-web1/system.slice/ssh.service',
    'I 58407 82',
    'I 58431 93',
    'C 93 /remlite-lab-1/lab-web1/system.slice/apache2.service',
    'I 58431 95',
    'C 95 /remlite-lab-1/lab-web1/system.slice/apache2.service',
  ]);
  assert.equal(l.socketsSource, 'proc');
  assert.deepEqual(l.sockets, [
    { unit: 'apache2.service', address: '127.77.1.1', port: 80, protocol: 'http' },
    { unit: 'ssh.service', address: '::1', port: 22, protocol: 'tcp' },
    { unit: 'ssh.service', address: '127.77.1.1', port: 22, protocol: 'tcp' },
  ], 'the socket no process of ours holds (inode 99999) is not learned');
});

test('the /proc lines lie: bad addresses, inodes and pids are dropped, endless lists capped', () => {
  const l = parseLearned([
    ...UNITS,
    'W proc',
    'Q $(reboot):0050 1 http',
    'Q 01014D7F:0050 x tcp',
    'Q 01014D7F:0051 2 ftp',
    ...Array.from({ length: 100 }, (_, i) => `Q 01014D7F:${(1000 + i).toString(16).toUpperCase().padStart(4, '0')} ${i + 10} tcp`),
    ...Array.from({ length: 100 }, (_, i) => `I ${i + 10} 93`),
    'I 5 ;id',
    'C 93 /system.slice/apache2.service',
  ]);
  assert.equal(l.sockets.length, 32);
  assert.ok(l.sockets.every((s) => s.unit === 'apache2.service' && s.port >= 1000 && s.port < 1100));
});
