export * from './fleet-store.js';
export * from './intents.js';
export * from './wait-for-poll.js';
export * from './pool-hosts.js';
