import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;
/** A temp file no write takes this long over: stale whoever made it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Temp files of writes in progress: removed if the process exits before they are renamed. */
const liveTemps = new Set<string>();
let exitHookInstalled = false;

function removeLiveTemps(): void {
  for (const temp of liveTemps) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or gone
    }
  }
  liveTemps.clear();
}

function tempName(file: string): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', removeLiveTemps);
  }
  // The global Web Crypto, not node:crypto: importing that costs a first frame ~5 ms for a reader of the cache.
  const suffix = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${suffix}`);
}

/** Temp files of atomic writes still in progress in this process (for tests and the exit hook). */
export function pendingTemps(): string[] {
  return [...liveTemps];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files that atomic writes of a process no longer running (or older than an hour)
 * left in `dir`: a kill between creating and renaming one. Answers the names removed.
 */
export function removeStaleTemps(dir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    try {
      const pid = Number(m[1]);
      const old = now - lstatSync(file).mtimeMs > STALE_TEMP_MS;
      if (!old && (pid === process.pid || processAlive(pid))) continue;
      unlinkSync(file);
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

function ignorable(err: unknown): boolean {
  // Some filesystems refuse fsync on a directory; the rename itself has happened.
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EINVAL' || code === 'EISDIR' || code === 'EPERM' || code === 'EBADF';
}

/**
 * Replaces `file` with `data` so that readers (and a crash) see either the old content or the
 * new one, never a mix: temp file in the same directory, write, fsync, rename, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = tempName(file);
  const fh = await open(temp, 'wx', mode);
  liveTemps.add(temp);
  try {
    try {
      await fh.chmod(mode); // the umask must not widen or narrow what the caller asked for
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  } finally {
    liveTemps.delete(temp);
  }
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } catch (err) {
    if (!ignorable(err)) throw err;
  } finally {
    await dir.close();
  }
}

/** Synchronous twin of writeFileAtomic, for exit paths. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o600): void {
  const temp = tempName(file);
  const fd = openSync(temp, 'wx', mode);
  liveTemps.add(temp);
  try {
    try {
      fchmodSync(fd, mode);
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw err;
  } finally {
    liveTemps.delete(temp);
  }
  const dirFd = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } catch (err) {
    if (!ignorable(err)) throw err;
  } finally {
    closeSync(dirFd);
  }
}
