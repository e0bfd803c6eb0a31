// The words of a restore repair, in one place: the findings list (the detector's label) and the
// confirmation title (the catalogue's title) read the same function, so they cannot drift apart.

/**
 * A config restore with a service: the transaction reloads the service when it is running and
 * restarts it when it is not (config-transaction.ts), so the wording names both.
 */
export function configRestoreWording(path: string, service?: string): string {
  return `Restore ${path} from the baseline${service ? ` and reload or restart ${service}` : ''}`;
}

export function dataRestoreWording(path: string): string {
  return `Restore ${path} from the last good copy`;
}
