import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sshFingerprint } from '../util/ssh-fingerprint.js';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` lines name keys that must never be accepted. */
  revoked: boolean;
  /** Plain host patterns (comma list split), absent for hashed entries. */
  patterns?: string[];
  /** `|1|salt|hash` entry: HMAC-SHA1 of the host name keyed with salt. */
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  keyBase64: string;
  /** "file:line" for messages. */
  source: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** One message per skipped line, naming file:line. */
  warnings: string[];
}

export type HostKeyCheck = 'match' | 'unknown' | 'changed' | 'revoked';

/** The name OpenSSH records a host under: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * The name a host's key is looked up (and recorded) under. A HostKeyAlias is used as it is, whatever
 * the port — OpenSSH never adds `[...]:port` to an alias — so a host known under its alias is found.
 */
export function hostKeyLookupName(target: { host: string; port: number; hostKeyAlias?: string }): string {
  return target.hostKeyAlias ?? knownHostsName(target.host, target.port);
}

const LITERAL_HOST = /^[A-Za-z0-9_.:%-]+$/;

/**
 * A name that matches exactly one host when written to known_hosts: a plain host name or address,
 * or `[host]:port`. Anything OpenSSH would read as a pattern or list (`*`, `?`, `!`, `,`, other
 * brackets), a hashed name, a marker or a comment is not literal.
 */
export function isLiteralKnownHostsName(name: string): boolean {
  const bracketed = /^\[([^\]]*)\]:(\d{1,5})$/.exec(name);
  if (bracketed) return LITERAL_HOST.test(bracketed[1]!) && Number(bracketed[2]) > 0 && Number(bracketed[2]) < 65536;
  return LITERAL_HOST.test(name);
}

/** Parses known_hosts text; `sourceName` is used in warnings and entry sources. */
export function parseKnownHosts(text: string, sourceName: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const source = `${sourceName}:${index + 1}`;
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/[ \t]+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') return;
      if (marker !== '@revoked') {
        warnings.push(`${source}: unknown marker ${marker}, line skipped`);
        return;
      }
      revoked = true;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) {
      warnings.push(`${source}: expected "hosts keytype key", line skipped`);
      return;
    }
    if (!isBase64(keyBase64)) {
      warnings.push(`${source}: key is not base64, line skipped`);
      return;
    }
    const blobType = keyTypeOfBlob(Buffer.from(keyBase64, 'base64'));
    if (blobType !== keyType) {
      warnings.push(`${source}: key type ${keyType} does not match the key blob, line skipped`);
      return;
    }
    if (hosts.startsWith('|')) {
      const hashed = parseHashedHost(hosts);
      if (!hashed) {
        warnings.push(`${source}: malformed hashed host name, line skipped`);
        return;
      }
      entries.push({ revoked, hashed, keyType, keyBase64, source });
      return;
    }
    const patterns = hosts.split(',').filter((p) => p !== '');
    if (patterns.length === 0) {
      warnings.push(`${source}: empty host list, line skipped`);
      return;
    }
    entries.push({ revoked, patterns, keyType, keyBase64, source });
  });
  return { entries, warnings };
}

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0;
}

function parseHashedHost(field: string): { salt: Buffer; hash: Buffer } | undefined {
  const parts = field.split('|');
  // "|1|salt|hash" splits into ["", "1", salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return undefined;
  const [, , salt64, hash64] = parts;
  if (!salt64 || !hash64 || !isBase64(salt64) || !isBase64(hash64)) return undefined;
  const salt = Buffer.from(salt64, 'base64');
  const hash = Buffer.from(hash64, 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { salt, hash };
}

/** `|1|salt|hash` for a name, as `ssh-keygen -H` writes it (salt given for reproducibility). */
export function hashKnownHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** OpenSSH glob: `*` any run, `?` one character; whole-string, case-insensitive. */
export function matchPattern(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob with single-star backtracking: linear enough, no regex built from input.
  let ni = 0;
  let pi = 0;
  let starP = -1;
  let starN = 0;
  while (ni < n.length) {
    const pc = p[pi];
    if (pc === '*') {
      starP = pi++;
      starN = ni;
    } else if (pc !== undefined && (pc === '?' || pc === n[ni])) {
      pi++;
      ni++;
    } else if (starP >= 0) {
      pi = starP + 1;
      ni = ++starN;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Does this entry apply to `name`? A matching `!pattern` excludes the name whatever else matches. */
export function entryMatchesName(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const actual = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return timingSafeEqual(actual, entry.hashed.hash);
  }
  let positive = false;
  for (const pattern of entry.patterns ?? []) {
    if (pattern.startsWith('!')) {
      if (matchPattern(name, pattern.slice(1))) return false;
    } else if (matchPattern(name, pattern)) {
      positive = true;
    }
  }
  return positive;
}

/**
 * Decides whether the offered key is trusted for `name`.
 * revoked: the key is listed `@revoked` for this name. match: a line holds exactly this key.
 * changed: a line holds another key for this name, of any type. Any known key binds the host:
 * a host known by its ed25519 key that now offers only ECDSA is a changed host (a downgrade an
 * interceptor would try), not a new one — OpenSSH with strict checking refuses it too.
 * unknown: nothing at all is known for this name.
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, keyType: string, keyBase64: string): HostKeyCheck {
  const forName = entries.filter((e) => entryMatchesName(e, name));
  if (forName.some((e) => e.revoked && e.keyBase64 === keyBase64)) return 'revoked';
  const trusted = forName.filter((e) => !e.revoked);
  if (trusted.some((e) => e.keyType === keyType && e.keyBase64 === keyBase64)) return 'match';
  if (trusted.length > 0) return 'changed';
  return 'unknown';
}

/** Key types known for a name (not revoked), in file order, without duplicates. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types: string[] = [];
  for (const e of entries) {
    if (!e.revoked && !types.includes(e.keyType) && entryMatchesName(e, name)) types.push(e.keyType);
  }
  return types;
}

/** "SHA256:..." exactly as `ssh-keygen -l` prints it (unpadded base64). */
export const fingerprintSha256: (blob: Buffer) => string = sshFingerprint;

/** Reads the leading SSH string (the key type) from a public key wire blob; '' if malformed. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return '';
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : '';
}

/** Parsed files by path, reused while size and mtime are unchanged (a fleet connects to one big file many times). */
const parsedFiles = new Map<string, { mtimeMs: number; size: number; parsed: ParsedKnownHosts }>();

/** Reads and parses known_hosts files in order (fresh: a changed file is read again); missing files are skipped silently. */
export async function readKnownHostsFiles(files: string[]): Promise<ParsedKnownHosts> {
  const entries: KnownHostEntry[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    let parsed: ParsedKnownHosts;
    try {
      const st = await stat(file);
      const cached = parsedFiles.get(file);
      if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) parsed = cached.parsed;
      else {
        parsed = parseKnownHosts(await readFile(file, 'utf8'), file);
        parsedFiles.set(file, { mtimeMs: st.mtimeMs, size: st.size, parsed });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      warnings.push(`${file}: cannot read (${(err as Error).message})`);
      continue;
    }
    entries.push(...parsed.entries);
    warnings.push(...parsed.warnings);
  }
  return { entries, warnings };
}

/**
 * Appends one `name type base64` line. Creates the directory (0700) and file (0600) if missing;
 * never rewrites existing lines; the line reaches the disk (fsync) before this resolves.
 */
export async function appendKnownHost(file: string, name: string, type: string, base64: string): Promise<void> {
  for (const [what, value] of [['host name', name], ['key type', type], ['key', base64]] as const) {
    if (value === '' || /[\s\0]/.test(value)) throw new Error(`refusing to write known_hosts line: ${what} is empty or contains whitespace`);
  }
  if (!isLiteralKnownHostsName(name)) {
    throw new Error(`refusing to write known_hosts line: "${name}" is a pattern or list, not one host name`);
  }
  if (!isBase64(base64) || keyTypeOfBlob(Buffer.from(base64, 'base64')) !== type) {
    throw new Error(`refusing to write known_hosts line: key is not a ${type} public key`);
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'a', 0o600);
  try {
    const size = (await handle.stat()).size;
    let prefix = '';
    if (size > 0) {
      // Keep the new line separate when the file does not end in a newline.
      const last = Buffer.alloc(1);
      const probe = await open(file, 'r');
      try {
        await probe.read(last, 0, 1, size - 1);
      } finally {
        await probe.close();
      }
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(`${prefix}${name} ${type} ${base64}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

