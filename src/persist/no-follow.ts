import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, type Stats } from 'node:fs';

/** A path in remlite's own state or config that is a symbolic link (or not what it must be): never followed. */
export class StatePathRefused extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`${path} ${why}, and remlite does not use such a path in its own state (a link could send its writes anywhere): remove it (rm ${path}) or move it away, then start again`);
  }
}

export const LINK_REFUSED = 'is a symbolic link';

/** Read-only, never through a symbolic link at the last component. */
export const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** lstat, or undefined when nothing is there. */
export function lstatOrNone(file: string): Stats | undefined {
  // No error made for an absent file: the console asks for 10,000 hosts' baselines that mostly do
  // not exist, and an ENOENT thrown and caught costs about 10 us each (a stack trace and a message).
  return lstatSync(file, { throwIfNoEntry: false });
}

/** Throws StatePathRefused when `file` is a symbolic link; answers its lstat (undefined: absent). */
export function refuseLink(file: string): Stats | undefined {
  const st = lstatOrNone(file);
  if (st?.isSymbolicLink()) throw new StatePathRefused(file, LINK_REFUSED);
  return st;
}

/** A private directory of ours: created 0700 when missing; a link or a non-directory there is refused. */
export function ensurePrivateDir(dir: string): void {
  const st = refuseLink(dir);
  if (st && !st.isDirectory()) throw new StatePathRefused(dir, 'is not a directory');
  if (!st) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Opens for reading without following a link (ELOOP becomes StatePathRefused). */
export function openNoFollow(file: string): number {
  try {
    return openSync(file, READ_NO_FOLLOW);
  } catch (err) {
    if (code(err) === 'ELOOP') throw new StatePathRefused(file, LINK_REFUSED);
    throw err;
  }
}

/** A file opened for reading without following a link, read in parts by offset. */
export class NoFollowFile {
  private fd: number | undefined;
  /** Its size when opened. */
  readonly size: number;

  /** One larger than `maxBytes` is refused (FileTooLarge) before any of it is read. */
  constructor(file: string, maxBytes = Number.MAX_SAFE_INTEGER) {
    const fd = openNoFollow(file);
    try {
      this.size = fstatSync(fd).size;
      if (this.size > maxBytes) throw new FileTooLarge(file, this.size, maxBytes);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
  }

  /** Bytes from `start` up to `end` (or the size it had when opened); fewer if it shrank since. */
  read(start: number, end = this.size): Buffer {
    if (this.fd === undefined) throw new Error('read after close');
    // Not zero-filled first: every byte handed back is one read from the file.
    const buf = Buffer.allocUnsafe(Math.max(0, end - start));
    let off = 0;
    while (off < buf.length) {
      const n = readSync(this.fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a file without following a link; one larger than `maxBytes` is refused (FileTooLarge) before any of it is read. */
export function readNoFollow(file: string, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  const f = new NoFollowFile(file, maxBytes);
  try {
    return f.read(0);
  } finally {
    f.close();
  }
}

export class FileTooLarge extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${path} is ${size} bytes, over the ${maxBytes}-byte cap`);
  }
}
