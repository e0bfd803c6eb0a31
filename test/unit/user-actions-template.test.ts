import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseTemplate, renderTemplate, type TemplatePart } from '../../src/actions/user/template.js';

const parts = (t: string): TemplatePart[] => {
  const r = parseTemplate(t);
  if ('error' in r) throw new Error(r.error);
  return r.parts;
};
const error = (t: string): string => {
  const r = parseTemplate(t);
  assert.ok('error' in r, `expected "${t}" to be refused`);
  return r.error;
};

test('placeholders become quoted words; the rest of the template is the operator text as written', () => {
  const p = parts('systemctl reload -- {service} && echo "reloaded on $(hostname)" # {literal braces in a comment are fine}');
  assert.equal(renderTemplate(p, { service: 'apache2' }), 'systemctl reload -- apache2 && echo "reloaded on $(hostname)" # {literal braces in a comment are fine}');
  assert.equal(renderTemplate(p, { service: "a b'c" }), `systemctl reload -- 'a b'\\''c' && echo "reloaded on $(hostname)" # {literal braces in a comment are fine}`);
  const r = parseTemplate('ping -c1 {address}; logger {host} {pool} {site} {host}');
  assert.ok('parts' in r);
  assert.deepEqual(r.placeholders, ['address', 'host', 'pool', 'site']);
});

test('shell syntax that looks like braces is left to the shell', () => {
  for (const t of ['echo ${HOME} ${x:-y}', "awk '{print $1}' /etc/hosts", 'echo \\{host\\}', '{ echo a; echo b; }', 'echo {a,b}', 'echo $((1+2))']) {
    assert.equal(renderTemplate(parts(t), {}), t, t);
  }
});

test('unknown placeholders, quoted or hidden placeholders and unterminated quotes are refused with a reason', () => {
  assert.match(error('echo {hots}'), /unknown placeholder \{hots\} \(known: \{host\}/);
  assert.match(error('echo "{service}"'), /inside "\.\.\."/);
  assert.match(error("echo '{host}'"), /inside '\.\.\.'/);
  assert.match(error('echo `{host}`'), /inside `\.\.\.`/);
  assert.match(error('echo ${x:-{host}}'), /inside \$\{\.\.\.\}/);
  assert.match(error('echo $(( {pool} + 1 ))'), /inside \$\(\(\.\.\.\)\)/);
  assert.match(error('echo ok # {host}'), /comment/);
  assert.match(error('cat <<EOF\n{host}\nEOF'), /here-document/);
  assert.match(error("echo 'open"), /unterminated ' quote/);
});

// The values a host, pool, site or service could carry (a cloud tag, a probe...), each of which
// must reach the command as exactly one unchanged word.
const HOSTILE = ["it's", 'a;touch /tmp/x', '$(id)', '`id`', 'line1\nline2', '-rf', '"dq"', '\\', '* ?', '${HOME}', "'; echo pwned; '", '#c', ''];

function randomValues(n: number): string[] {
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = "ab ;|&$()`'\"\\\n\t*?[]{}<>!#~-=%";
  return Array.from({ length: n }, () => Array.from({ length: Math.floor(rand() * 14) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
}

test('hostile values stay literal through a real /bin/sh, whatever surrounds the placeholder (property)', () => {
  const templates = [
    "printf '%s\\0' {host} {pool} {site} {service}",
    "for v in {host} {pool}; do printf '%s\\0' \"$v\"; done; printf '%s\\0' {site} {service}",
    "x=$(printf '%s' {host}); printf '%s\\0' \"$x\" {pool} {site} {service}",
    "printf '%s\\0' pre-{host} {pool}-post {site}{service}",
  ];
  const values = [...HOSTILE, ...randomValues(120)];
  for (const t of templates) {
    const p = parts(t);
    const script = [];
    const expected: string[] = [];
    for (let i = 0; i < values.length; i += 4) {
      const [host = '', pool = '', site = '', service = ''] = values.slice(i, i + 4);
      script.push(renderTemplate(p, { host, pool, site, service }));
      expected.push(
        ...(t.includes('pre-')
          ? [`pre-${host}`, `${pool}-post`, site + service]
          : t.startsWith('x=')
            ? [host.replace(/\n+$/, ''), pool, site, service] // $(...) drops trailing newlines: the shell's rule, not ours
            : [host, pool, site, service]),
      );
    }
    const out = execFileSync('/bin/sh', ['-c', script.join('\n')], { encoding: 'utf8' });
    assert.deepEqual(out.split('\0').slice(0, -1), expected, t);
  }
});

test('a value with a NUL byte is refused, never truncated', () => {
  assert.throws(() => renderTemplate(parts('echo {host}'), { host: 'a\0b' }), /NUL/);
  assert.throws(() => renderTemplate(parts('echo {host}'), {}), /no value for \{host\}/);
});
