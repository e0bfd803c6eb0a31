export * from './fleet-store.js';
export * from './intents.js';
