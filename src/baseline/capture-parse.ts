import { createHash } from 'node:crypto';
import { accountNameError } from '../util/account-name.js';
import { sanitizeLine } from '../util/sanitize.js';
import type { CaptureItem, CapturePlan } from './capture-script.js';
import { parseLearned, type LearnedCapture } from './learn-parse.js';

export interface CapturedFile {
  item: CaptureItem;
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  type?: string;
  content?: Buffer;
  sha256?: string;
  /** Why this file is not (fully) in the baseline. */
  problem?: string;
}

export interface CapturedDatabase {
  name: string;
  tables?: string[];
  error?: string;
}

export interface CaptureResult {
  files: CapturedFile[];
  modules?: string[];
  databases: CapturedDatabase[];
  /** Running units and listening sockets, when the plan learned them. */
  learned?: LearnedCapture;
  /** False when the output ended before the script's end marker (cut or killed). */
  complete: boolean;
}

/** Parses the capture script's output against the plan it ran. Pure; never throws. */
export function parseCapture(plan: CapturePlan, output: string): CaptureResult {
  const files: CapturedFile[] = plan.files.map((item) => ({ item }));
  const databases: CapturedDatabase[] = plan.databases.map((name) => ({ name }));
  let modules: string[] | undefined;
  let complete = false;
  let file: CapturedFile | undefined;
  let db: CapturedDatabase | undefined;
  let b64: string[] | undefined;
  let inModules = false;
  let learnLines: string[] | undefined;
  let inLearn = false;

  for (const line of output.split('\n')) {
    if (inLearn) {
      if (line === '@@LE') inLearn = false;
      else learnLines?.push(line);
      continue;
    }
    if (line === '@@L' && plan.learn) {
      inLearn = true;
      learnLines = [];
      continue;
    }
    if (b64) {
      if (line === '@@E') {
        finishContent(file, b64.join(''));
        b64 = undefined;
      } else b64.push(line.trim());
      continue;
    }
    if (inModules) {
      if (line === '@@ME') inModules = false;
      else if (/^[A-Za-z0-9_-]+$/.test(line)) modules?.push(line);
      continue;
    }
    const head = /^@@([A-Z]+)(?: (\d+))?$/.exec(line);
    if (head?.[1] === 'B') {
      b64 = []; // the current file's content follows
      continue;
    }
    if (head) {
      const index = Number(head[2]);
      file = head[1] === 'F' ? files[index] : undefined;
      db = head[1] === 'D' ? databases[index] : undefined;
      if (head[1] === 'M') {
        modules = [];
        inModules = true;
      } else if (head[1] === 'END') complete = true;
      continue;
    }
    if (file) parseFileLine(file, line);
    else if (db) {
      if (line.startsWith('T ')) (db.tables ??= []).push(line.slice(2));
      else if (line.startsWith('X ')) db.error = [db.error, sanitizeLine(line.slice(2))].filter(Boolean).join(' ');
    }
  }
  if (b64 && file) file.problem = 'content cut short';
  for (const f of files) {
    if (f.problem) continue;
    if (f.mode === undefined) f.problem = complete ? 'not reported' : 'output cut short before this file';
    else if (f.type === 'symbolic link') f.problem = 'is a symbolic link: remlite never follows one (not accepted)';
    else if (badAccount(f)) f.problem = `${badAccount(f)}: not accepted`;
    else if (f.item.content && f.type === 'regular file' && !f.content) f.problem = 'content not captured';
    else if (f.item.content && f.type !== 'regular file') f.problem = `is a ${f.type ?? 'special file'}, not a regular file`;
  }
  for (const d of databases) {
    if (d.error !== undefined) delete d.tables;
    else if (!complete && d.tables === undefined) d.error = 'output cut short before this database';
    else d.tables ??= [];
  }
  const result: CaptureResult = { files, modules, databases, complete };
  if (learnLines && !inLearn) result.learned = parseLearned(learnLines);
  return result;
}

/** An owner or group name a repair could not pass to chown (a host may lie about it). */
function badAccount(f: CapturedFile): string | undefined {
  return accountNameError(f.owner ?? '', 'owner') ?? accountNameError(f.group ?? '', 'group');
}

function parseFileLine(file: CapturedFile, line: string): void {
  if (line === 'MISSING') file.problem = 'does not exist';
  else if (line === 'UNREADABLE') file.problem = 'could not be read';
  else if (line.startsWith('TOOBIG ')) file.problem = `is ${line.slice(7)} bytes: larger than the 8 MiB remlite copies (not kept)`;
  else if (line.startsWith('SHA ')) file.sha256 = line.slice(4).trim();
  else if (line.startsWith('STAT ')) {
    const m = /^STAT ([0-7]+) (\S+) (\S+) (\d+) (.+)$/.exec(line);
    if (!m) return;
    file.mode = (m[1] ?? '').padStart(4, '0');
    file.owner = m[2];
    file.group = m[3];
    file.size = Number(m[4]);
    file.type = m[5];
  }
}

function finishContent(file: CapturedFile | undefined, b64: string): void {
  if (!file) return;
  if (!/^[A-Za-z0-9+/=]*$/.test(b64)) {
    file.problem = 'content is not valid base64';
    return;
  }
  const content = Buffer.from(b64, 'base64');
  const sha = createHash('sha256').update(content).digest('hex');
  if (file.sha256 && sha !== file.sha256) {
    file.problem = 'changed while it was read (checksum mismatch): accept again';
    return;
  }
  file.content = content;
  file.sha256 = sha;
  file.size = content.length;
}
