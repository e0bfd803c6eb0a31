// The README's Keys and command-bar tables name every key and command the registry binds (src/registry/builtin.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_ENTRIES } from '../../src/registry/builtin.js';

/** The README lines between a heading and the next heading of the same or a higher level. */
function section(readme: string, heading: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

test('every built-in command and alias is in the README command table', () => {
  const table = section(readFileSync('README.md', 'utf8'), '### The command bar');
  for (const c of BUILTIN_ENTRIES.flatMap((e) => (e.command ? [e.command] : []))) {
    for (const name of [c.name, ...(c.aliases ?? [])]) assert.match(table, new RegExp(`\`:${name}[\` ]`), `README has no row naming :${name}`);
  }
});

test('every single-letter key the registry dispatches is in the README Keys table, on a row of its screen', () => {
  const rows = section(readFileSync('README.md', 'utf8'), '## Keys').split('\n').filter((l) => l.startsWith('| '));
  const where: Record<string, RegExp> = { grid: /grid/, host: /host/, services: /Services/, findings: /Findings/, 'host-key': /untrusted host/, ec2: /EC2/, events: /Events/ };
  for (const e of BUILTIN_ENTRIES) {
    for (const k of e.keys) {
      for (const key of (k.input ?? []).filter((i) => /^[A-Za-z]$/.test(i))) {
        const screen = where[k.section];
        assert.ok(screen, `no README screen name for section ${k.section}`);
        const row = rows.find((r) => screen.test(r.split('|')[1] ?? '') && (r.split('|')[2] ?? '').includes(`\`${key}\``));
        assert.ok(row, `README Keys has no ${k.section} row for \`${key}\` (${e.id})`);
      }
    }
  }
});
