import { shQuote } from '../../util/shell-quote.js';

/** Values a user action's command may name, as `{name}`. */
const PLACEHOLDERS = ['host', 'address', 'pool', 'site', 'service'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type TemplatePart = { text: string } | { placeholder: Placeholder };

export type ParsedTemplate = { parts: TemplatePart[]; placeholders: Placeholder[] } | { error: string };

const NAME = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/;
const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);
const WORD_BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Splits an operator's POSIX sh template into literal text and `{placeholder}`s. Each placeholder
 * becomes ONE quoted word (shQuote), so it must stand where the shell reads a plain word: not inside
 * quotes, backticks, `${...}`, `$((...))`, a comment or after a here-document (there a quoted value
 * would not stay one literal word). `${name}` is the shell's own expansion and is left alone;
 * `\{` keeps a literal brace. Pure.
 */
export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const used: Placeholder[] = [];
  let text = '';
  let state: 'plain' | 'single' | 'double' | 'backtick' | 'comment' = 'plain';
  /** Depth of `${` / `$((` nesting in plain text (placeholders refused inside). */
  let braceDepth = 0;
  let arithDepth = 0;
  let heredoc = false;
  const refuse = (name: string, where: string) => ({
    error: `{${name}} ${where}: placeholders are quoted for you and must stand as a bare word (write {${name}}, not "{${name}}" or '{${name}}')`,
  });

  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    const rest = template.slice(i);
    const named = NAME.exec(rest);
    const known = named && isPlaceholder(named[1]!) ? named[1]! : undefined;

    if (state === 'comment') {
      if (known) return { error: `{${known}} is inside a # comment: a value with a line break would end the comment` };
      if (c === '\n') state = 'plain';
      text += c;
      continue;
    }
    if (state === 'single') {
      if (known) return refuse(known, "is inside '...'");
      if (c === "'") state = 'plain';
      text += c;
      continue;
    }
    if (state === 'double' || state === 'backtick') {
      if (known) return refuse(known, state === 'double' ? 'is inside "..."' : 'is inside `...`');
      if (c === '\\') {
        text += c + (template[i + 1] ?? '');
        i++;
        continue;
      }
      if ((state === 'double' && c === '"') || (state === 'backtick' && c === '`')) state = 'plain';
      text += c;
      continue;
    }

    // plain
    if (c === '\\') {
      text += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (named) {
      const name = named[1]!;
      if (!known) return { error: `unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}; write \\{${name}} for literal braces, \${${name}} for a shell variable)` };
      if (braceDepth > 0) return refuse(known, 'is inside ${...}');
      if (arithDepth > 0) return refuse(known, 'is inside $((...))');
      if (heredoc) return { error: `{${known}} comes after a here-document (<<): its body is not quoted, so placeholders cannot be used there` };
      if (text) parts.push({ text });
      text = '';
      parts.push({ placeholder: known });
      if (!used.includes(known)) used.push(known);
      i += named[0].length - 1;
      continue;
    }
    if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
    else if (c === '`') state = 'backtick';
    else if (c === '#' && (i === 0 || WORD_BREAK.has(template[i - 1]!))) state = 'comment';
    else if (rest.startsWith('<<')) heredoc = true;
    else if (rest.startsWith('${')) {
      braceDepth++;
      text += '${';
      i++;
      continue;
    } else if (rest.startsWith('$((')) {
      arithDepth++;
      text += '$((';
      i += 2;
      continue;
    } else if (c === '}' && braceDepth > 0) braceDepth--;
    else if (rest.startsWith('))') && arithDepth > 0) {
      arithDepth--;
      text += '))';
      i++;
      continue;
    }
    text += c;
  }
  if (state === 'single' || state === 'double' || state === 'backtick') return { error: `unterminated ${state === 'single' ? "'" : state === 'double' ? '"' : '`'} quote` };
  if (text) parts.push({ text });
  return { parts, placeholders: used };
}

/**
 * The command line: literal text as written, every value as one quoted word. Throws on a value with
 * a NUL byte (no shell can carry it) or a placeholder without a value (the planner checks first).
 */
export function renderTemplate(parts: readonly TemplatePart[], values: Partial<Record<Placeholder, string>>): string {
  return parts
    .map((p) => {
      if ('text' in p) return p.text;
      const v = values[p.placeholder];
      if (v === undefined) throw new Error(`no value for {${p.placeholder}}`);
      return shQuote(v);
    })
    .join('');
}
