const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const URL_PATH = /^\/[\x21-\x7e]{0,500}$/;

/** `http://HOST[:PORT]/PATH` → its parts; undefined for anything else (https, user:pass@, odd hosts). */
export function parseHealthUrl(url: string): { host: string; port: number; path: string } | undefined {
  const m = /^http:\/\/(\[[0-9A-Fa-f:.]+\]|[^/:@[\]]+)(?::(\d{1,5}))?(\/[^\s]*)?$/.exec(url);
  if (!m) return undefined;
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 80;
  const path = m[3] ?? '/';
  if (!(ADDRESS.test(host) || HOST_NAME.test(host)) || port < 1 || port > 65535 || !URL_PATH.test(path)) return undefined;
  return { host, port, path };
}

