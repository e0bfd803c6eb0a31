export * from './types.js';
export { BUILTIN_ENTRIES } from './builtin.js';
export { userActionEntries } from './user.js';
export * from './registry.js';
