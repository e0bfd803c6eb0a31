import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { UserAction, UserActionScope } from '../../model/index.js';
import { closest, type ConfigIssue } from '../../util/config-error.js';
import { parseTemplate } from './template.js';
import { RESERVED_KEYS, sharesScreen } from './reserved-keys.js';

const FIELDS = ['name', 'key', 'scope', 'command', 'description', 'expect'] as const;
const SCOPES: readonly UserActionScope[] = ['host', 'service', 'pool'];
const NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const MAX_TEXT = 200;

export interface ParsedActions {
  /** The valid entries; a bad entry is left out (and reported), the others still load. */
  actions: UserAction[];
  issues: ConfigIssue[];
}

/** Reads `actions.yaml` text: checks every entry (fields, scope, key clashes, command template). Pure. */
export function parseUserActions(text: string, file: string): ParsedActions {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const at = (node: Node | null | undefined | { range?: [number, number, number] | null }) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  const report = (node: Node | null | undefined, reason: string, hint: string) => issues.push({ file, ...at(node), reason, hint });

  for (const err of doc.errors) {
    const { line, col } = lines.linePos(err.pos[0]);
    issues.push({ file, line, column: col, reason: `not valid YAML: ${err.message.split('\n')[0]}`, hint: 'fix the YAML syntax (indentation, quotes, a ":" after each key)' });
  }
  if (doc.errors.length) return { actions: [], issues };
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { actions: [], issues };
  const list = isMap(root) ? (root.get('actions', true) as Node | undefined) : undefined;
  if (!isMap(root) || root.items.some((p) => !isScalar(p.key) || p.key.value !== 'actions') || (list !== undefined && list !== null && !isSeq(list) && !(isScalar(list) && list.value === null))) {
    report(root, 'the file must be a mapping with one key, "actions", holding a list', 'start the file with "actions:" and give each action as "- name: ..." below it (see README, User-defined actions)');
    return { actions: [], issues };
  }
  if (!isSeq(list)) return { actions: [], issues };

  const actions: UserAction[] = [];
  for (const item of list.items as Node[]) {
    const action = readEntry(item);
    if (!action) continue;
    const clash = actions.find((a) => a.name === action.name);
    if (clash) {
      report(item, `action "${action.name}" is defined twice (first at ${clash.origin})`, 'give each action its own name');
      continue;
    }
    const sameKey = actions.find((a) => a.key === action.key && sharesScreen(a.scope, action.scope));
    if (sameKey) {
      report(item, `key "${action.key}" of "${action.name}" is already bound to "${sameKey.name}" (${sameKey.scope}, ${sameKey.origin})`, 'pick another key');
      continue;
    }
    actions.push(action);
  }
  return { actions, issues };

  function readEntry(item: Node): UserAction | undefined {
    const where = at(item);
    const origin = `${file}:${where.line}`;
    if (!isMap(item)) {
      report(item, 'an action must be a mapping (name, key, scope, command)', 'write each action as "- name: NAME" with key, scope and command indented below it');
      return undefined;
    }
    const values: Partial<Record<(typeof FIELDS)[number], { value: string; node: Node }>> = {};
    let ok = true;
    for (const pair of item.items) {
      const keyNode = pair.key as Node;
      const field = isScalar(keyNode) ? String(keyNode.value) : '';
      if (field === 'confirm') {
        report(keyNode, '"confirm" is not supported: every user action asks before it runs, like the built-in repairs', 'remove the confirm line');
        ok = false;
        continue;
      }
      if (!(FIELDS as readonly string[]).includes(field)) {
        const guess = closest(field, FIELDS);
        report(keyNode, `unknown field "${field}"`, guess ? `did you mean "${guess}"?` : `the fields are ${FIELDS.join(', ')}`);
        ok = false;
        continue;
      }
      const valueNode = pair.value as Node | null;
      if (!isScalar(valueNode) || valueNode.value === null || typeof valueNode.value === 'object') {
        report(valueNode ?? keyNode, `"${field}" must be text`, field === 'command' ? 'use a block scalar ("command: |") for a long command' : `give ${field} a value`);
        ok = false;
        continue;
      }
      values[field as (typeof FIELDS)[number]] = { value: String(valueNode.value), node: valueNode };
    }
    const label = values.name ? `action "${values.name.value}"` : 'this action';
    for (const required of ['name', 'key', 'scope', 'command'] as const) {
      if (!values[required]) {
        report(item, `${label} has no ${required}`, `add "${required}: ..."`);
        ok = false;
      }
    }
    if (!ok) return undefined;
    const name = values.name!;
    const key = values.key!;
    const scope = values.scope!;
    const command = values.command!;
    if (!NAME_RE.test(name.value)) {
      report(name.node, `name "${name.value}" is not usable`, 'use 1-40 lowercase letters, digits, ".", "_" or "-" (it becomes the audit action id user:NAME)');
      return undefined;
    }
    if (!(SCOPES as readonly string[]).includes(scope.value)) {
      report(scope.node, `${label}: scope "${scope.value}" is not host, service or pool`, 'service = the selected service (Services tab), host = the open host, pool = every host of a pool (grid)');
      return undefined;
    }
    const s = scope.value as UserActionScope;
    if ([...key.value].length !== 1 || /\s|[\x00-\x1f\x7f]/.test(key.value)) {
      report(key.node, `${label}: key "${key.value}" is not one printable character`, 'use a single letter, digit or symbol, e.g. key: L');
      return undefined;
    }
    if (RESERVED_KEYS[s].includes(key.value)) {
      const free = [...'abcdefimnotuvwyzCDEFHJKLMNOQUVWXYZ'].filter((k) => !RESERVED_KEYS[s].includes(k)).slice(0, 8).join(' ');
      report(key.node, `${label}: key "${key.value}" is already a built-in key where ${s} actions are read`, `pick a free key (for example ${free})`);
      return undefined;
    }
    if (command.value.trim() === '') {
      report(command.node, `${label}: the command is empty`, 'write the shell command to run, e.g. command: systemctl reload {service}');
      return undefined;
    }
    if (command.value.includes('\0')) {
      report(command.node, `${label}: the command contains a NUL byte`, 'remove it');
      return undefined;
    }
    const parsed = parseTemplate(command.value);
    if ('error' in parsed) {
      report(command.node, `${label}: ${parsed.error}`, 'fix the command template');
      return undefined;
    }
    if (s !== 'service' && parsed.placeholders.includes('service')) {
      report(command.node, `${label}: {service} is only known to service actions, this one is scope ${s}`, 'use scope: service, or drop {service}');
      return undefined;
    }
    for (const f of ['description', 'expect'] as const) {
      const v = values[f];
      if (v && (v.value.length > MAX_TEXT || /[\x00-\x1f\x7f]/.test(v.value))) {
        report(v.node, `${label}: ${f} must be one line of at most ${MAX_TEXT} characters`, 'shorten it');
        return undefined;
      }
    }
    return {
      name: name.value,
      key: key.value,
      scope: s,
      command: command.value.replace(/\n+$/, ''),
      ...(values.description ? { description: values.description.value } : {}),
      ...(values.expect ? { expect: values.expect.value } : {}),
      origin,
    };
  }
}
