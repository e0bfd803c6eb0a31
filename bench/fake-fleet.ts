// A fleet of in-process ssh2 servers (ssh2's Server, not OpenSSH) in its own node process, so the
// console under test does not share its event loop with them. Usage: node fake-fleet.js COUNT DIR
// DIR holds host_ed25519 and client_ed25519.pub (OpenSSH format). Prints {"ports":[...]} when listening.
// `sh -s` answers with realistic probe output; `tail ... -F -- /var/log/bench-RATE.log` streams RATE lines/s.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ServerChannel } from 'ssh2';
import { END_MARK, KEPT_FUNCTION_PREFIX, START_MARK } from '../src/ssh/shell-frame.js';
import { cannedOutput } from './canned-probe.js';

const { Server, utils } = ssh2;

function main(): void {
  const count = Number(process.argv[2] ?? 1000);
  const dir = process.argv[3] ?? '.';
  const hostKey = readFileSync(path.join(dir, 'host_ed25519'));
  const allowed = utils.parseKey(readFileSync(path.join(dir, 'client_ed25519.pub')));
  if (allowed instanceof Error) throw allowed;
  const allowedBlob = allowed.getPublicSSH();
  const ports: number[] = [];
  let polls = 0;
  let listening = 0;
  for (let i = 0; i < count; i++) {
    const name = `node${String(i).padStart(4, '0')}`;
    const server = new Server({ hostKeys: [hostKey] }, (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method !== 'publickey' || ctx.key.algo !== allowed.type) return ctx.reject(['publickey']);
        const blob = ctx.key.data;
        if (blob.length !== allowedBlob.length || !timingSafeEqual(blob, allowedBlob)) return ctx.reject(['publickey']);
        if (!ctx.signature) return ctx.accept(); // the client asks whether this key would do
        if (allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
        ctx.accept();
      });
      client.on('error', () => undefined);
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const ch = acceptExec();
          if (info.command === 'sh -s') answerProbe(ch, name, i, polls++);
          else if (/ -F /.test(info.command)) streamLog(ch, info.command);
          else {
            ch.exit(127);
            ch.end();
          }
        });
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      ports[i] = typeof addr === 'object' && addr ? addr.port : 0;
      if (++listening === count) process.stdout.write(JSON.stringify({ ports }) + '\n');
    });
  }
}

/** A framed run's body line calling a kept script (see keptFunctionName in src/ssh/shell-frame.ts). */
const KEPT_CALL = new RegExp(`^${KEPT_FUNCTION_PREFIX}[0-9a-f]+$`);
const START_LINE = new RegExp(`${START_MARK}([0-9a-f]{32})`);

/**
 * Answers as a host's `sh -s` would: framed runs on a resident shell (remlite's probe, sent once as a
 * function and then called by name) get the canned output between their markers, the empty check run gets nothing; a plain exec (stdin, then EOF) gets
 * the canned output once.
 */
function answerProbe(ch: ServerChannel, name: string, i: number, poll: number): void {
  let framed = false;
  let pending = '';
  let nonce = '';
  let bodyLines = 0;
  /** The run calls a script the shell keeps as a function (remlite sends its probe once per shell). */
  let callsKept = false;
  const canned = () => {
    // A few hosts change their load each poll; most report the same figures (as in a quiet fleet).
    const load = i % 50 === 0 ? (poll++ % 100) / 10 : (i % 17) / 10;
    return cannedOutput(name, load);
  };
  ch.on('data', (d: Buffer) => {
    pending += d.toString('latin1');
    let nl = pending.indexOf('\n');
    for (; nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const start = START_LINE.exec(line);
      if (start) {
        framed = true;
        nonce = start[1]!;
        bodyLines = 0;
        callsKept = false;
        ch.write(`${START_MARK}${nonce}\n`);
        ch.stderr.write(`${START_MARK}${nonce}\n`);
      } else if (line.includes(`${END_MARK}${nonce}`)) {
        // The check run's body is "(", ":", ") </dev/null"; a probe calls its kept function, or has many more lines.
        ch.write(`${callsKept || bodyLines > 3 ? canned() : ''}\n${END_MARK}${nonce} 0\n`);
        ch.stderr.write(`\n${END_MARK}${nonce}\n`);
      } else {
        bodyLines++;
        if (KEPT_CALL.test(line)) callsKept = true;
      }
    }
  });
  ch.once('end', () => {
    if (!framed) ch.write(canned());
    ch.exit(0);
    ch.end();
  });
}

function streamLog(ch: ServerChannel, command: string): void {
  const rate = Number(/bench-(\d+)\.log/.exec(command)?.[1] ?? 10);
  let n = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * rate) / 1000) - n;
    if (due <= 0) return;
    let chunk = '';
    for (let k = 0; k < due; k++, n++) chunk += `2026-11-25T12:00:00+0000 app[4242]: request ${n} GET /api/v1/items?page=${n % 97} 200 ${n % 13} ms\n`;
    ch.write(chunk);
  }, 10);
  const stop = () => clearInterval(timer);
  ch.on('close', stop);
  ch.on('error', stop);
  ch.on('data', () => undefined);
}

main();
