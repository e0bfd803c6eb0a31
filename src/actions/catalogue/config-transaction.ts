import path from 'node:path';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { PlanContext } from './types.js';
import { requireOnHost } from '../guard.js';
import { configTestFor } from './config-tests.js';
import { unitName } from './params.js';

/**
 * Files of one config.restore beside the config, in its own directory (same filesystem, so every
 * swap is a rename): the staged baseline copy, and the previous file kept until the service runs
 * on the restored one.
 */
export function sideFiles(dest: string): { staged: string; previous: string } {
  const dir = path.posix.dirname(dest);
  const base = path.posix.basename(dest);
  return { staged: path.posix.join(dir, `.${base}.remlite-new`), previous: path.posix.join(dir, `.${base}.remlite-prev`) };
}

interface ServiceControl {
  isActive: string;
  /** Before a restart of a unit that is not running: clears a hit start limit, which would refuse it. */
  prepare?: string;
  /** Reload, or restart when the unit is not running. */
  apply: string;
  verify: string;
  restart: string;
}

function serviceControl(service: string, ctx: PlanContext): ServiceControl {
  const running = ctx.service === undefined || ctx.service.active === 'active' || ctx.service.active === 'reloading';
  if (ctx.init === 'sysvinit') {
    const name = service.replace(/\.service$/, '');
    return {
      isActive: `${shCommand('service', name, 'status')} >/dev/null 2>&1`,
      apply: shCommand('service', name, running ? 'reload' : 'restart'),
      verify: shCommand('service', name, 'status'),
      restart: shCommand('service', name, 'restart'),
    };
  }
  const unit = unitName(service);
  return {
    isActive: shCommand('systemctl', 'is-active', '--quiet', '--', unit),
    ...(running ? {} : { prepare: `${shCommand('systemctl', 'reset-failed', '--', unit)} >/dev/null 2>&1` }),
    apply: shCommand('systemctl', running ? 'reload-or-restart' : 'restart', '--', unit),
    verify: shCommand('systemctl', 'is-active', '--', unit),
    restart: shCommand('systemctl', 'restart', '--', unit),
  };
}

function say(text: string): string {
  return `printf '%s\\n' ${shQuote(`remlite: ${text}`)} >&2`;
}

/** The config test a restore runs, in words (shown in the confirmation). */
function testCondition(dest: string, service: string, test: string | undefined): string {
  return test
    ? `the restored ${dest} passes the config test of ${service} (${test}); otherwise the previous file is put back and ${service} is not touched`
    : `${service} has no config test: the restored ${dest} is checked by its reload or restart only`;
}

/**
 * The transaction, as one line of POSIX sh: keep the previous file (a hard link), move the staged
 * copy in, run the config test on it (the previous file goes back and the service is not touched
 * when it fails: exit 3), then reload or restart and check the service is active; when it is not,
 * the previous file goes back and a service that was running before and has stopped is restarted
 * on it (exit 1).
 */
function transactionScript(dest: string, service: string, ctx: PlanContext): string {
  const { staged, previous } = sideFiles(dest);
  const [d, s, p] = [shQuote(dest), shQuote(staged), shQuote(previous)];
  const svc = serviceControl(service, ctx);
  const decl = ctx.machine.checks?.configs.find((c) => c.path === dest);
  const test = configTestFor(decl, service);
  const lines = [
    `was=0; if ${svc.isActive}; then was=1; fi`,
    'had=0',
    `if [ -e ${d} ] || [ -L ${d} ]; then ln -f -- ${d} ${p} || { ${say(`could not keep the previous ${dest}: nothing changed`)}; rm -f -- ${s}; exit 1; }; had=1; fi`,
    `mv -f -- ${s} ${d} || { rm -f -- ${s} ${p}; exit 1; }`,
    `back() { if [ "$had" = 1 ]; then mv -f -- ${p} ${d}; else rm -f -- ${d}; fi; }`,
  ];
  // The test runs in its own sh, as the probe runs it: an operator's test may end in a comment or exit.
  if (test) lines.push(requireOnHost(`${shCommand('sh', '-c', test)} || { back; false; }`, `the restored ${dest} fails the config test of ${service}: the previous file is back, ${service} was not touched`));
  if (svc.prepare) lines.push(svc.prepare);
  lines.push(
    `if ${svc.apply} && ${svc.verify}; then rm -f -- ${p}; exit 0; fi`,
    'back',
    say(`${service} is not active on the restored ${dest}: the previous file is back`),
    // Only a service that stopped is started again: one still running on the old file is left so.
    `if [ "$was" = 1 ] && ! ${svc.isActive}; then ${svc.restart}; ${svc.verify}; fi`,
    'exit 1',
  );
  // One line, so the confirmation and the audit log show the command exactly as it runs.
  return lines.join('; ');
}

/** systemd expands `$` in a unit's command line: `$$` is a literal dollar. */
function systemdEscape(script: string): string {
  return script.replace(/\$/g, '$$$$');
}

/**
 * Runs the transaction after the baseline copy is staged. On systemd it runs as a transient unit
 * (systemd-run), apart from this SSH session: restarting sshd, or losing the connection, cannot cut
 * it between writing the file and restarting the service or rolling back. Its output is collected
 * in a private temp file and printed when it is done; its exit status is the command's.
 */
export function runTransaction(dest: string, service: string, ctx: PlanContext): string {
  const script = transactionScript(dest, service, ctx);
  const cleanup = shCommand('rm', '-f', '--', sideFiles(dest).staged);
  if (ctx.init === 'sysvinit') return `{ ${shCommand('sh', '-c', script)}; r=$?; ${cleanup}; exit $r; }`;
  const detached = shCommand('systemd-run', '--quiet', '--wait', '--collect', '--', '/bin/sh', '-c', systemdEscape(`exec >"$1" 2>&1; ${script}`), 'remlite-config-restore');
  return `log=$(mktemp -- /tmp/remlite-restore.XXXXXX) && { ${detached} "$log"; r=$?; cat -- "$log"; rm -f -- "$log"; ${cleanup}; exit $r; }`;
}


/** On-host preconditions of the transaction, checked before the staged copy is written. */
export function transactionGuards(dest: string, ctx: PlanContext): string[] {
  const dir = path.posix.dirname(dest);
  const guards = [requireOnHost(`[ -d ${shQuote(dir)} ] && [ ! -d ${shQuote(dest)} ]`, `${dir} is a directory and ${dest} is not`)];
  if (ctx.init !== 'sysvinit') guards.push(requireOnHost('command -v systemd-run >/dev/null 2>&1', 'systemd-run is installed'));
  return guards;
}

/** The same preconditions in words, plus the config test (checked after the copy is in place). */
export function transactionConditions(dest: string, service: string, ctx: PlanContext): string[] {
  const dir = path.posix.dirname(dest);
  const decl = ctx.machine.checks?.configs.find((c) => c.path === dest);
  return [
    `${dir} is a directory and ${dest} is not`,
    ...(ctx.init !== 'sysvinit' ? ['systemd-run is installed: the test, the restart and any rollback run as their own unit, apart from this SSH session'] : []),
    testCondition(dest, service, configTestFor(decl, service)),
  ];
}
