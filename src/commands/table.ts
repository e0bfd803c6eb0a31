import { allCommands, buildRegistry, type ArgKind, type RegisteredCommand } from '../registry/index.js';

export type { ArgKind };

/** A command of the bar: its registry entry's `:` binding (src/registry/builtin.ts). */
export type CommandSpec = RegisteredCommand;

/** Every command the bar knows, in the order completion and help list them (derived from the registry). */
export const COMMANDS: readonly CommandSpec[] = allCommands();

/** Whether the command is registered in this mode (read-only registers no dangerous entry). */
export function isRegistered(spec: CommandSpec, readOnly: boolean): boolean {
  return buildRegistry({ readOnly }).get(spec.entryId) !== undefined;
}

/** Commands usable here: the registry's for this mode, host commands on a host only. */
export function availableCommands(where: { screen: 'grid' | 'host'; readOnly: boolean }): CommandSpec[] {
  return buildRegistry({ readOnly: where.readOnly })
    .commands()
    .filter((c) => !(c.where === 'host' && where.screen !== 'host'));
}

export function findCommand(word: string): CommandSpec | undefined {
  const w = word.toLowerCase();
  return COMMANDS.find((c) => c.name === w || (c.aliases ?? []).includes(w));
}
