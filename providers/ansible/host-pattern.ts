/**
 * Expands an Ansible host range: "web[01:03]" → web01, web02, web03; "db-[a:c]" → db-a, db-b, db-c;
 * "[1:9:4]" steps by 4. Zero-padding follows the start's width, as Ansible does. Returns an error
 * message for a malformed range instead of throwing.
 */
export function expandHostPattern(pattern: string): string[] | { error: string } {
  const m = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m) return pattern.includes(']') ? { error: `unmatched "]" in host "${pattern}"` } : [pattern];
  const [, head = '', range = '', tail = ''] = m;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) return { error: `bad range "[${range}]" in host "${pattern}" (write [start:end] or [start:end:step])` };
  const [beg = '', end = '', stepText = '1'] = parts;
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) return { error: `bad step "${stepText}" in host range "${pattern}"` };
  const rest = expandHostPattern(tail);
  if (!Array.isArray(rest)) return rest;
  const items: string[] = [];
  if (/^[0-9]+$/.test(beg) && /^[0-9]+$/.test(end)) {
    const from = Number(beg);
    const to = Number(end);
    if (from > to) return { error: `range "[${range}]" in host "${pattern}" runs backwards` };
    if ((to - from) / step > 10000) return { error: `range "[${range}]" in host "${pattern}" has more than 10000 hosts` };
    const width = beg.length;
    for (let i = from; i <= to; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-z]$/.test(beg) && /^[a-z]$/.test(end) || /^[A-Z]$/.test(beg) && /^[A-Z]$/.test(end)) {
    const from = beg.charCodeAt(0);
    const to = end.charCodeAt(0);
    if (from > to) return { error: `range "[${range}]" in host "${pattern}" runs backwards` };
    for (let c = from; c <= to; c += step) items.push(String.fromCharCode(c));
  } else {
    return { error: `bad range "[${range}]" in host "${pattern}" (numbers like [01:10] or single letters like [a:f])` };
  }
  return items.flatMap((item) => rest.map((r) => head + item + r));
}
