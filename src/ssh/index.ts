export * from './errors.js';
export * from './known-hosts.js';
export { SshPool, type SshPoolOptions, type ExecOptions, type ExecResult, type StreamHandlers } from './pool.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
