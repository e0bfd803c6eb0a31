import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { displayPath, expandTilde, type ProviderEnv } from './ssh-defaults.js';

export const MAX_INCLUDE_DEPTH = 5;

/** A concrete-or-not `Host` line as written, with where it was written. */
export interface HostBlock {
  patterns: string[];
  /** "~/.ssh/config:12" */
  origin: string;
  /** Text after "remlite:" of a "# remlite: ..." comment on the line directly above, if any. */
  annotation?: string;
}

/** All files of one ssh config, Includes spliced in, ready for compute(). */
export interface LoadedSshConfig {
  config: SSHConfig;
  hosts: HostBlock[];
  warnings: string[];
}

/** A config that cannot be used at all (syntax error, unreadable file). */
export class SshConfigError extends Error {
  override name = 'SshConfigError';
}

interface State {
  env: ProviderEnv;
  hosts: HostBlock[];
  warnings: string[];
}

/** Reads the config at `file` and everything it includes. A missing top file is an empty config. */
export function loadSshConfigFile(file: string, env: ProviderEnv): LoadedSshConfig {
  const state: State = { env, hosts: [], warnings: [] };
  const config = new SSHConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config, hosts: [], warnings: [] };
    throw new SshConfigError(`${displayPath(file, env.home)}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  expandText(text, file, 0, config, config, state);
  return { config, hosts: state.hosts, warnings: state.warnings };
}

function isSection(line: Line): line is Extract<Line, { config: SSHConfig }> {
  return line.type === LineType.DIRECTIVE && 'config' in line;
}

function isDirective(line: Line, name: string): line is Extract<Line, { param: string }> {
  return line.type === LineType.DIRECTIVE && line.param.toLowerCase() === name;
}

function directiveValues(value: string | { val: string }[]): string[] {
  return typeof value === 'string' ? [value] : value.map((v) => v.val);
}

/** 1-based line of every node, in file order (sections, then their contents). */
function numberLines(config: SSHConfig): { node: Line; line: number }[] {
  const out: { node: Line; line: number }[] = [];
  let line = 1;
  const newlines = (s: string) => (s.match(/\n/g) ?? []).length;
  const walk = (lines: SSHConfig) => {
    for (const node of lines) {
      line += newlines(node.before);
      out.push({ node, line });
      line += newlines(node.after);
      if (isSection(node)) walk(node.config);
    }
  };
  walk(config);
  return out;
}

function expandText(text: string, file: string, depth: number, globals: SSHConfig, sections: SSHConfig, state: State): void {
  const shown = displayPath(file, state.env.home);
  let parsed: SSHConfig;
  try {
    parsed = SSHConfig.parse(text);
  } catch (err) {
    throw new SshConfigError(`${shown}: cannot parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const numbered = numberLines(parsed);
  const lineOf = new Map(numbered.map((n, i) => [n.node, i]));
  const where = (node: Line) => `${shown}:${numbered[lineOf.get(node) ?? 0]?.line ?? 0}`;

  const keep = (node: Line): boolean => {
    if (isDirective(node, 'canonicalizehostname')) {
      // compute() would run nslookup for it; remlite never resolves names behind the operator's back
      state.warnings.push(`${where(node)}: CanonicalizeHostName is not supported and is ignored`);
      return false;
    }
    return true;
  };

  for (const node of parsed) {
    if (isSection(node)) {
      const copy = { ...node, config: new SSHConfig() } as typeof node;
      const trailing = new SSHConfig();
      for (const sub of node.config) {
        if (isDirective(sub, 'include')) include(sub, where(sub), depth, copy.config, trailing, state);
        else if (keep(sub)) copy.config.push(sub);
      }
      if (isDirective(node, 'host')) {
        const index = lineOf.get(node)!;
        const above = numbered[index - 1];
        const block: HostBlock = { patterns: directiveValues(node.value), origin: where(node) };
        if (above && above.node.type === LineType.COMMENT && above.line === numbered[index]!.line - 1) {
          const m = /^#\s*remlite:\s*(.*)$/i.exec(above.node.content);
          if (m) block.annotation = m[1]!.trim();
        }
        state.hosts.push(block);
      }
      sections.push(copy, ...trailing);
    } else if (isDirective(node, 'include')) {
      include(node, where(node), depth, globals, sections, state);
    } else if (keep(node)) {
      // Top-level directives are global wherever they sit in the list: compute() applies them in order.
      globals.push(node);
    }
  }
}

function include(node: Extract<Line, { param: string }>, origin: string, depth: number, globals: SSHConfig, sections: SSHConfig, state: State): void {
  if (depth + 1 > MAX_INCLUDE_DEPTH) {
    state.warnings.push(`${origin}: Include nested deeper than ${MAX_INCLUDE_DEPTH} levels is ignored`);
    return;
  }
  for (const pattern of directiveValues(node.value)) {
    const expanded = expandTilde(pattern.replace(/%d/g, state.env.home).replace(/%u/g, state.env.localUser), state.env.home);
    const absolute = path.isAbsolute(expanded) ? expanded : path.join(state.env.home, '.ssh', expanded);
    for (const file of globFiles(absolute)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        state.warnings.push(`${origin}: cannot read included ${displayPath(file, state.env.home)} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        continue;
      }
      const inner = new SSHConfig();
      expandText(text, file, depth + 1, inner, inner, state);
      // Inside a Host/Match block the included globals stay conditional on that block; its own
      // Host sections follow the block (OpenSSH would also keep them conditional: a documented gap).
      for (const line of inner) (isSection(line) ? sections : globals).push(line);
    }
  }
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute path whose components may hold * and ?; sorted like glob(3); no dotfiles for wildcards. */
function globFiles(pattern: string): string[] {
  const parts = pattern.split('/').filter(Boolean);
  let current = ['/'];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (!/[*?]/.test(part)) {
        next.push(path.join(dir, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      const re = globToRegExp(part);
      for (const name of names) if (!name.startsWith('.') && re.test(name)) next.push(path.join(dir, name));
    }
    current = next.filter((p) => {
      try {
        return last ? statSync(p).isFile() : statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
  }
  return current;
}
