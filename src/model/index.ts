export * from './machine.js';
export * from './probe.js';
export * from './finding.js';
export * from './action.js';
export * from './checks.js';
export * from './cloud.js';
export * from './metrics.js';
export * from './trend.js';
