import type { Machine } from '../model/index.js';
import { shQuoteAnyShell } from './shell-quote.js';

/**
 * Non-root SSH users run actions through sudo, never prompting (-n): a missing sudo rule fails
 * clearly. The command is quoted so that a fish or csh login shell passes it to sh unchanged too.
 */
export function withPrivilege(machine: Machine, command: string): string {
  const user = machine.ssh?.user;
  return user && user !== 'root' ? `sudo -n -- sh -c ${shQuoteAnyShell(command)}` : command;
}

/**
 * The command run by `sh -c`, whatever the login shell the SSH server hands it to (fish and csh read
 * quotes differently): through sudo's own `sh -c` for non-root users, a plain `sh -c` otherwise.
 */
export function inPosixShell(machine: Machine, command: string): string {
  const wrapped = withPrivilege(machine, command);
  return wrapped !== command ? wrapped : `sh -c ${shQuoteAnyShell(command)}`;
}
