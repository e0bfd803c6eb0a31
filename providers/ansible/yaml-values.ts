import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type ScalarTag } from 'yaml';
import { isVaultText, VAULTED, type AnsibleValue, type AnsibleVars } from './model.js';

/** YAML tags Ansible files use: "!vault |" values become VAULTED (their text is dropped here), "!unsafe" is plain text. */
export const ANSIBLE_TAGS: ScalarTag[] = [
  { tag: '!vault', identify: () => false, resolve: () => VAULTED as unknown as string },
  { tag: '!unsafe', identify: () => false, resolve: (text: string) => text },
];

export const ANSIBLE_YAML_OPTIONS = { customTags: ANSIBLE_TAGS, uniqueKeys: false, prettyErrors: false } as const;

/** A YAML node as an Ansible value; "$ANSIBLE_VAULT;" text is VAULTED too. */
function toValue(doc: Document, node: unknown, depth = 0): AnsibleValue {
  if (depth > 64) return null;
  if (isAlias(node)) return toValue(doc, node.resolve(doc), depth + 1);
  if (isScalar(node)) {
    const v = node.value;
    if (v === VAULTED || isVaultText(v)) return VAULTED;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    return String(v);
  }
  if (isSeq(node)) return node.items.map((item) => toValue(doc, item, depth + 1));
  if (isMap(node)) {
    const out: Record<string, AnsibleValue> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined) out[key] = toValue(doc, pair.value, depth + 1);
    }
    return out;
  }
  return null;
}

export function toVars(doc: Document, node: Node | null | undefined): AnsibleVars | undefined {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return {};
  const v = toValue(doc, node);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as AnsibleVars) : undefined;
}
