// What a client negotiated, as one sshd at LogLevel DEBUG1 logged it: the same witness for every tool.

export interface Negotiated {
  client: string;
  kex: string;
  hostKey: string;
  /** client->server cipher, MAC and compression (server->client is checked to be the same). */
  cipher: string;
  mac: string;
  compression: string;
  /** False when the two directions differ (then `cipher` etc. are client->server). */
  symmetric: boolean;
}

/**
 * The LAST complete key exchange in an sshd debug log excerpt (lines "kex: algorithm: X",
 * "kex: host key algorithm: X", "kex: client->server cipher: X MAC: Y compression: Z", the same for
 * server->client; the client comes from "remote software version X").
 */
export function parseSshdKex(log: string): Negotiated | undefined {
  let client = '';
  let current: Partial<Negotiated> & { sc?: string } = {};
  let last: Negotiated | undefined;
  for (const line of log.split('\n')) {
    let m = /remote software version (\S+)/.exec(line);
    if (m) {
      client = m[1]!;
      current = {};
      continue;
    }
    m = /kex: algorithm: (\S+)/.exec(line);
    if (m) current.kex = m[1]!;
    m = /kex: host key algorithm: (\S+)/.exec(line);
    if (m) current.hostKey = m[1]!;
    m = /kex: client->server cipher: (\S+) MAC: (\S+) compression: (\S+)/.exec(line);
    if (m) [current.cipher, current.mac, current.compression] = [m[1]!, m[2]!, m[3]!];
    m = /kex: server->client cipher: (\S+) MAC: (\S+) compression: (\S+)/.exec(line);
    if (m) {
      current.sc = `${m[1]} ${m[2]} ${m[3]}`;
      if (current.kex && current.hostKey && current.cipher) {
        last = {
          client,
          kex: current.kex,
          hostKey: current.hostKey,
          cipher: current.cipher,
          mac: current.mac!,
          compression: current.compression!,
          symmetric: current.sc === `${current.cipher} ${current.mac} ${current.compression}`,
        };
      }
    }
  }
  return last;
}

export function describeNegotiated(n: Negotiated | undefined): string {
  if (!n) return 'no key exchange seen by the witness sshd';
  const mac = n.mac === '<implicit>' ? 'MAC implicit' : `MAC ${n.mac}`;
  return `${n.client}: kex ${n.kex}, host key ${n.hostKey}, cipher ${n.cipher} (${mac}), compression ${n.compression}${n.symmetric ? '' : ' (directions differ)'}`;
}

/**
 * OpenSSH -o options that make it negotiate what `n` negotiated: the same key exchange (by the same name:
 * curve25519-sha256@libssh.org and curve25519-sha256 are one algorithm, RFC 8731), cipher and MAC.
 * Without a witness reading, the key exchange alone.
 */
export function opensshMatchingOptions(n: Negotiated | undefined): string[] {
  if (!n) return ['-o', 'KexAlgorithms=curve25519-sha256'];
  return ['-o', `KexAlgorithms=${n.kex}`, '-o', `Ciphers=${n.cipher}`, ...(n.mac === '<implicit>' ? [] : ['-o', `MACs=${n.mac}`])];
}
