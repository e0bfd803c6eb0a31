/** ssh2's exports (a CommonJS module: what `import ssh2 from 'ssh2'` gives). */
type Ssh2 = typeof import('ssh2');

let loading: Promise<Ssh2> | undefined;

/**
 * ssh2, loaded on first use. A console that opens no SSH connection (a Prometheus fleet before any
 * drill-down, log or repair) does not carry it: loading it adds about 12 MB of RSS.
 */
export function loadSsh2(): Promise<Ssh2> {
  loading ??= import('ssh2').then((m) => m.default);
  return loading;
}
