import type { ConfigTestResult, DatabaseStatus, FileStat, SkippedFile } from '../model/index.js';
import { unescapeMount } from '../util/unescape-mount.js';
import { sanitizeLine } from '../util/sanitize.js';
import { CHECK_TIMEOUT_SEC } from './script-checks.js';

type Warn = (w: string) => void;

const MAX_ITEMS = 10_000;
const MAX_LINE = 200;

function clean(text: string): string {
  return sanitizeLine(text).slice(0, MAX_LINE);
}

/** errno names of the messages (LC_ALL=C strerror) a stat or read of a declared file can fail with. */
const ERRNO_OF: Record<string, string> = {
  'Input/output error': 'EIO',
  'Bad message': 'EBADMSG',
  'Structure needs cleaning': 'EUCLEAN',
  'Permission denied': 'EACCES',
  'Operation not permitted': 'EPERM',
  'Stale file handle': 'ESTALE',
  'Transport endpoint is not connected': 'ENOTCONN',
  'Too many levels of symbolic links': 'ELOOP',
  'Is a directory': 'EISDIR',
  'No such device or address': 'ENXIO',
};

/** "EIO (Input/output error)" for a known message, the sanitized message otherwise. */
function describeFileError(message: string): string {
  const text = clean(message.trim()) || 'unknown error';
  const errno = ERRNO_OF[text];
  return errno ? `${errno} (${text})` : text;
}

/**
 * `1 <kind> <mode> <owner> <group> <size> <sha256|-> <path>` or `0 - - - - - - <path>`, each
 * optionally followed by `+ target <link target>` (kind link) or `+ error <message>` (the file
 * exists but stat or read failed).
 */
export function parseFiles(lines: string[], warn: Warn): FileStat[] {
  const out: FileStat[] = [];
  let last: FileStat | undefined;
  for (const l of lines) {
    if (SKIPPED_LINE.test(l)) {
      last = undefined;
      continue;
    }
    const extra = /^\+ (target|error) ?(.*)$/.exec(l);
    if (extra) {
      if (!last?.exists) warn(`files: detail without an existing file: ${l}`);
      else if (extra[1] === 'target') last.linkTarget = clean(extra[2] ?? '');
      else last.unreadable = describeFileError(extra[2] ?? '');
      continue;
    }
    last = undefined;
    const m = /^([01]) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\/.*)$/.exec(l);
    if (!m) {
      if (l.trim()) warn(`files: unexpected line: ${l}`);
      continue;
    }
    if (out.length >= MAX_ITEMS) break;
    const [, exists, kind, mode, owner, group, size, sha, path] = m as unknown as string[];
    const stat: FileStat = { path: sanitizeLine(path ?? ''), exists: exists === '1' };
    if (stat.exists) {
      if (kind === 'file' || kind === 'dir' || kind === 'other' || kind === 'link') stat.kind = kind;
      if (mode && /^[0-7]{1,4}$/.test(mode)) stat.mode = mode.padStart(4, '0');
      if (owner && owner !== '-') stat.owner = clean(owner);
      if (group && group !== '-') stat.group = clean(group);
      if (size && /^\d{1,15}$/.test(size)) stat.size = Number(size);
      if (sha && /^[0-9a-f]{64}$/.test(sha) && kind !== 'link') stat.sha256 = sha;
    }
    out.push(stat);
    last = stat;
  }
  return out;
}

/** `N <fstype> <mount> <path>`: a declared path on a network mount, not touched by the probe. */
const SKIPPED_LINE = /^N (\S+) (\/\S*) (\/.*)$/;

/** The declared paths the files section skipped because they are on a network mount. */
export function parseSkippedFiles(lines: string[], warn: Warn): SkippedFile[] {
  const out: SkippedFile[] = [];
  for (const l of lines) {
    const m = SKIPPED_LINE.exec(l);
    if (!m || out.length >= MAX_ITEMS) continue;
    const skipped = { path: sanitizeLine(m[3] ?? ''), mount: sanitizeLine(unescapeMount(m[2] ?? '')), fstype: clean(m[1] ?? '') };
    warn(`files: ${skipped.path} is on the network mount ${skipped.mount} (${skipped.fstype}): not stat'ed or read`);
    out.push(skipped);
  }
  return out;
}

interface Block {
  head: RegExpExecArray;
  body: string[];
}

/** Lines opening a block (matched by `head`), each followed by its "| text" lines. */
function blocks(lines: string[], head: RegExp, label: string, warn: Warn, other?: (l: string) => boolean): Block[] {
  const out: Block[] = [];
  let current: Block | undefined;
  for (const l of lines) {
    if (l.startsWith('| ') || l === '|') {
      if (current) {
        if (current.body.length < MAX_ITEMS) current.body.push(l.slice(2));
      } else warn(`${label}: output line without a header: ${l}`);
      continue;
    }
    const m = head.exec(l);
    if (m) {
      if (out.length >= MAX_ITEMS) break;
      out.push((current = { head: m, body: [] }));
      continue;
    }
    current = undefined;
    if (other?.(l)) continue;
    if (l.trim()) warn(`${label}: unexpected line: ${l}`);
  }
  return out;
}

/** `T <exit> <service> <command>` + up to 5 "| output" lines; `S <service> <reason>` = skipped. */
export function parseConfigTests(lines: string[], warn: Warn): ConfigTestResult[] {
  const skipped = (l: string): boolean => {
    const m = /^S (\S+) (.+)$/.exec(l);
    if (m) warn(`config test for ${m[1]} skipped: ${m[2]}`);
    return !!m;
  };
  return blocks(lines, /^T (\d{1,3}) (\S+) (.+)$/, 'configtests', warn, skipped).map(({ head, body }) => {
    const code = Number(head[1]);
    const output = body.slice(-5).map(clean);
    if (code === 124) output.push(`timed out after ${CHECK_TIMEOUT_SEC} s`);
    else if (code !== 0) output.push(`exit status ${code}`);
    return { service: clean(head[2] ?? ''), command: clean(head[3] ?? ''), ok: code === 0, output: output.join('\n') };
  });
}

const MODULE_LINE = /^(loaded|builtin|missing|unknown) ([A-Za-z0-9_-]+)$/;

/** `loaded|builtin|missing|unknown <module>`: the declared modules present in the kernel. */
export function parseModules(lines: string[], warn: Warn): string[] {
  const present: string[] = [];
  for (const l of lines) {
    const m = MODULE_LINE.exec(l);
    if (!m) {
      if (l.trim()) warn(`modules: unexpected line: ${l}`);
      continue;
    }
    if ((m[1] === 'loaded' || m[1] === 'builtin') && present.length < MAX_ITEMS) present.push(m[2] ?? '');
  }
  return present;
}

/** The declared modules the host could not tell about: not loaded, but the kernel's built-ins were not readable. */
export function parseUnknownModules(lines: string[]): string[] {
  const unknown: string[] = [];
  for (const l of lines) {
    const m = MODULE_LINE.exec(l);
    if (m?.[1] === 'unknown' && unknown.length < MAX_ITEMS) unknown.push(m[2] ?? '');
  }
  return unknown;
}

export const DATABASE_MISSING = 'database does not exist';

/** `D ok <db>` + "| <schema count>" + "| <table>"...; `D error <db>` + the client's last lines. */
export function parseDatabases(lines: string[], warn: Warn): DatabaseStatus[] {
  return blocks(lines, /^D (ok|error) (\S+)$/, 'databases', warn).map(({ head, body }) => {
    const name = clean(head[2] ?? '');
    if (head[1] === 'error') {
      const errorLine = body.find((l) => /^ERROR\b/.test(l)) ?? body[body.length - 1] ?? 'query failed';
      return { name, ok: false, tables: [], error: clean(errorLine) };
    }
    const [count, ...tables] = body;
    if (count === undefined || !/^\d+$/.test(count.trim())) {
      warn(`databases: ${name}: no schema count in the answer`);
      return { name, ok: false, tables: [], error: 'unexpected answer from mysql' };
    }
    const status: DatabaseStatus = { name, ok: true, tables: tables.map((t) => sanitizeLine(t)) };
    if (Number(count) === 0) status.error = DATABASE_MISSING;
    return status;
  });
}

/** `<device> <count>` for every ext4 filesystem whose errors_count is not zero. */
export function parseFsErrors(lines: string[], warn: Warn): { device: string; count: number }[] {
  const out: { device: string; count: number }[] = [];
  for (const l of lines) {
    const m = /^(\S+) (\d{1,15})$/.exec(l);
    if (!m) {
      if (l.trim()) warn(`fserrors: unexpected line: ${l}`);
      continue;
    }
    const count = Number(m[2]);
    if (count > 0 && out.length < MAX_ITEMS) out.push({ device: clean(m[1] ?? ''), count });
  }
  return out;
}
