export * from './table.js';
export * from './context.js';
export * from './parse.js';
export * from './complete.js';
export * from './history.js';
