import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function which(cmd: string): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path.startsWith('/') ? path : undefined;
}

/** Why a busybox-only root cannot be made here, or undefined when it can. */
export function busyboxRootUnavailable(): string | undefined {
  return process.getuid?.() !== 0 || !which('busybox') || !which('unshare') ? 'needs root, busybox and unshare (chroot into a busybox-only root)' : undefined;
}

/** Copies a dynamically linked binary and the libraries ldd names into root. */
function copyWithLibs(bin: string, root: string): void {
  const ldd = spawnSync('ldd', [bin], { encoding: 'utf8' });
  const libs = ldd.status === 0 ? [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]!) : [];
  for (const path of [bin, ...libs]) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    copyFileSync(path, join(root, path));
  }
}

/** A root holding only busybox (and its libraries), with the given applets in /bin and empty /proc, /dev, /etc. */
export function makeBusyboxRoot(applets: string[], prefix: string): string {
  const busybox = which('busybox')!;
  const root = mkdtempSync(join(tmpdir(), prefix));
  copyWithLibs(busybox, root);
  mkdirSync(join(root, 'bin'), { recursive: true });
  if (busybox !== '/bin/busybox') copyFileSync(busybox, join(root, 'bin/busybox'));
  for (const applet of applets) symlinkSync('busybox', join(root, 'bin', applet));
  for (const d of ['proc', 'dev', 'etc']) mkdirSync(join(root, d), { recursive: true });
  return root;
}
