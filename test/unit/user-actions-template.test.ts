import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseTemplate, renderTemplate, type TemplatePart } from '../../src/actions/user/template.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { userCatalogue } from '../../src/actions/user/user-catalogue.js';
import { planAction } from '../../src/actions/planner.js';
import { inPosixShell } from '../../src/util/privilege.js';
import type { Machine } from '../../src/model/index.js';
import type { HostState } from '../../src/store/index.js';
import { machine } from './views-fixtures.js';

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

test('values a host or provider reports are refused before any template when they read as options or shell syntax', () => {
  const actions = parseUserActions(
    `actions:
  - { name: reload, key: L, scope: service, command: "systemctl reload -- {service}" }
  - { name: ping, key: U, scope: host, command: "ping -c1 {address} && logger {host} {pool}" }
`,
    'actions.yaml',
  ).actions;
  const userEntries = userCatalogue(actions);
  const host = (extra: Partial<Machine>): HostState => ({ machine: machine('web1', 'web', { ssh: { host: '10.0.0.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] }, ...extra }), findings: [], severity: 'ok' });
  const plan = (action: string, params: Record<string, string>, extra: Partial<Machine> = {}) => planAction({ action, machineId: 'web1', params }, host(extra), false, { userEntries });
  for (const service of ['-oProxyCommand=x', 'a;touch x', '$(id)', 'x y', 'web\u202e1']) {
    const r = plan('user:reload', { service });
    assert.ok('refused' in r && /is not a valid service name/.test(r.refused), `${service}: ${JSON.stringify(r)}`);
  }
  assert.ok('refused' in plan('user:reload', { service: 'web\u202e1' }) && !/\u202e/.test((plan('user:reload', { service: 'web\u202e1' }) as { refused: string }).refused), 'the refusal is sanitized');
  for (const extra of [{ name: '-rf' }, { pool: '--help' }, { ssh: { host: '-oProxyCommand=x', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] } }]) {
    const r = plan('user:ping', {}, extra);
    assert.ok('refused' in r && /starts with "-" and would be read as an option/.test(r.refused), JSON.stringify(r));
  }
  const ok = plan('user:reload', { service: 'nginx' });
  assert.ok('plan' in ok);
  assert.equal(ok.plan.command, "sh -c 'systemctl reload -- nginx'", 'run by sh -c, not by the login shell');
});

test('the sh -c wrapping keeps POSIX syntax and hostile values whole (real /bin/sh)', () => {
  const machineAsRoot = machine('web1', 'web', { ssh: { host: '10.0.0.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] } });
  const p = parts("for v in {host} {pool}; do printf '%s\\0' \"$v\"; done; x=${HOME:+set}; printf '%s\\0' \"$x\" $((1+2))");
  for (const [a, b] of [["it's", '$(id)'], ['a\nb', '`id`;#']] as const) {
    const command = inPosixShell(machineAsRoot, renderTemplate(p, { host: a, pool: b }));
    assert.ok(command.startsWith('sh -c '), command);
    const out = execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, HOME: '/h' } });
    assert.deepEqual(out.split('\0').slice(0, -1), [a, b, 'set', '3']);
  }
});
