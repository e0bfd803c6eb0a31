import { sanitizeLine } from '../../src/util/sanitize.js';

export const NO_CREDENTIALS = 'no AWS credentials found (set AWS_PROFILE or run aws configure / aws sso login)';

/** True when the SDK's credential chain found nothing usable. */
export function isNoCredentials(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.name === 'CredentialsProviderError' || /could not load credentials/i.test(e?.message ?? '');
}

/** One line for the status bar: "UnauthorizedOperation: You are not authorized…". */
export function errorLine(err: unknown): string {
  if (isNoCredentials(err)) return NO_CREDENTIALS;
  const e = err as { name?: string; Code?: string; message?: string } | undefined;
  const code = e?.Code ?? e?.name;
  const message = sanitizeLine((e?.message ?? String(err)).split('\n')[0] ?? '').slice(0, 200);
  return code && code !== 'Error' && !message.startsWith(code) ? `${code}: ${message}` : message;
}
