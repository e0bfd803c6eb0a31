export * from './types.js';
export { BUILTIN_ENTRIES, REPAIR_KEYS } from './builtin.js';
export { userActionEntries } from './user.js';
export * from './registry.js';
