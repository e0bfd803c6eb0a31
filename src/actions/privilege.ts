import type { Machine } from '../model/index.js';
import { shCommand } from '../util/shell-quote.js';

/** Non-root SSH users run actions through sudo, never prompting (-n): a missing sudo rule fails clearly. */
export function withPrivilege(machine: Machine, command: string): string {
  const user = machine.ssh?.user;
  return user && user !== 'root' ? `sudo -n -- sh -c ${shCommand(command)}` : command;
}
