// Network bytes per poll. Loopback is shared with other labs on this machine, so /proc/net/dev of lo
// cannot be used: persistent connections are read from the kernel's own per-socket counters
// (tcp_info via `ss -ti`: TCP payload), and connections that close inside a run from OpenSSH's own
// count ("Transferred: sent N, received M bytes", SSH packets, printed at LogLevel VERBOSE).
import { spawnSync } from 'node:child_process';

export interface SocketBytes {
  sent: number;
  received: number;
  /** The processes holding the socket (from `ss -p`), when shown. */
  pids: number[];
}

/** Parses `ss -tinHO` (or -tinpHO) lines: key "local peer" -> tcp_info byte counters and owners. */
export function parseSsBytes(text: string): Map<string, SocketBytes> {
  const out = new Map<string, SocketBytes>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // Recv-Q Send-Q Local Peer, then the tcp_info fields.
    if (fields.length < 4 || !/^\d+$/.test(fields[0]!)) continue;
    const sent = /\bbytes_sent:(\d+)/.exec(line);
    const received = /\bbytes_received:(\d+)/.exec(line);
    const pids = [...line.matchAll(/\bpid=(\d+)/g)].map((m) => Number(m[1]));
    out.set(`${fields[2]} ${fields[3]}`, { sent: sent ? Number(sent[1]) : 0, received: received ? Number(received[1]) : 0, pids });
  }
  return out;
}

export interface BytesDiff {
  /** Bytes sent + received on the sockets present in `after`, minus what they had in `before`. */
  total: number;
  /** Sockets in `after` that were not in `before` (new connections). */
  opened: number;
  /** Sockets in `before` gone from `after` (closed connections: their last bytes are not counted). */
  closed: number;
}

export function diffBytes(before: Map<string, SocketBytes>, after: Map<string, SocketBytes>): BytesDiff {
  let total = 0;
  let opened = 0;
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) opened++;
    total += a.sent + a.received - (b ? b.sent + b.received : 0);
  }
  let closed = 0;
  for (const key of before.keys()) if (!after.has(key)) closed++;
  return { total, opened, closed };
}

/** OpenSSH client at LogLevel VERBOSE, one connection's stderr: SSH bytes sent + received, or undefined. */
export function parseOpenSshTransferred(stderr: string): number | undefined {
  const m = /Transferred: sent (\d+), received (\d+) bytes/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : undefined;
}

/** Only the sockets held (or not held) by process `pid`: one tool's connections while another's stay open. */
export function socketsOf(all: Map<string, SocketBytes>, pid: number, held: boolean): Map<string, SocketBytes> {
  return new Map([...all].filter(([, s]) => s.pids.includes(pid) === held));
}

/** Established client sockets to port 22 of the addresses in `cidr`, with their byte counters and owners. */
export function snapshotSockets(cidr: string): Map<string, SocketBytes> {
  const r = spawnSync('ss', ['-tinpHO', 'state', 'established', 'dst', cidr, 'and', 'dport', '=', ':22'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return parseSsBytes(r.stdout);
}
