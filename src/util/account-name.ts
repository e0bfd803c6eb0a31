/** User and group names as useradd accepts them, or numeric ids: nothing else reaches chown. */
const ACCOUNT = /^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})$/;

/** Why an owner or group name (taken from a host) cannot be passed to chown, if it cannot. */
export function accountNameError(value: string, what: 'owner' | 'group'): string | undefined {
  return ACCOUNT.test(value) ? undefined : `${what} name "${value}" is not a valid user or group name`;
}
