import type { ConffileDrift } from '../model/index.js';
import { sanitizeLine } from './sanitize.js';
import { MAX_CONFFILES } from './pkgverify-script.js';

type Warn = (w: string) => void;

/**
 * One verify line of a config file: dpkg `??5?????? c /etc/x` (9 flags, one space), rpm
 * `S.5....T.  c /etc/x` (9 flags, two spaces; 8 flags and one space before rpm 4.9), and both
 * `missing   c /etc/x`; dpkg may add ` (<error>)` to a missing line, rpm ` (<file state>)` to any.
 */
const VERIFY_LINE = /^(missing|[.?SM5DLUGTPV]{8,9}) {1,3}c (\/.*)$/;
/** What dpkg/rpm append after the path: an errno text or rpm's file state ("replaced", "net shared"...). */
const SUFFIX = / \(([A-Za-z][A-Za-z ]{0,40})\)$/;
/** Debian package names (with an optional :arch) and RPM names. */
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}(:[a-z0-9-]{1,32})?$/;

/** A conffile path remlite names and compares: absolute, printable, no `.`/`..` parts, no `//`. */
export function isConffilePath(path: string): boolean {
  return path.startsWith('/') && path.length <= 1024 && !/[\x00-\x1f\x7f-\x9f]/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path) && !path.includes('//');
}

export interface ConffileReport {
  packageManager: 'dpkg' | 'rpm' | 'none';
  conffiles: ConffileDrift[];
}

/**
 * Parses the output of `pkgverify` (pkgverify-script.ts): `M <manager>`, `V <verify line>`, `P <package> <path>`.
 * Lines of other kinds are left to the caller (the heavy section also holds database blocks). Pure; never throws.
 */
export function parseConffileLines(lines: readonly string[], warn: Warn): ConffileReport | undefined {
  let manager: ConffileReport['packageManager'] | undefined;
  const conffiles: ConffileDrift[] = [];
  const packages = new Map<string, string>();
  for (const line of lines) {
    const m = /^M (dpkg|rpm|none)$/.exec(line);
    if (m) {
      manager = m[1] as ConffileReport['packageManager'];
      continue;
    }
    if (line.startsWith('V ')) {
      const v = VERIFY_LINE.exec(line.slice(2));
      if (!v) {
        warn(`conffiles: unexpected verify line: ${line.slice(2)}`);
        continue;
      }
      const [, flags = '', rest = ''] = v;
      const path = rest.replace(SUFFIX, '');
      if (!isConffilePath(path)) {
        warn(`conffiles: ignoring a path remlite does not handle: ${path}`);
        continue;
      }
      if (conffiles.length >= MAX_CONFFILES || conffiles.some((c) => c.path === path)) continue;
      conffiles.push({ path, missing: flags === 'missing', flags: sanitizeLine(flags) });
      continue;
    }
    const p = /^P (\S+) (\/.*)$/.exec(line);
    if (p) {
      const [, pkg = '', path = ''] = p;
      if (PACKAGE.test(pkg)) packages.set(path, pkg);
      else warn(`conffiles: ignoring a package name remlite does not handle: ${pkg}`);
    }
  }
  if (!manager) return undefined;
  for (const c of conffiles) {
    const pkg = packages.get(c.path);
    if (pkg) c.package = pkg;
  }
  return { packageManager: manager, conffiles };
}
