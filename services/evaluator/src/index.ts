export * from './alertmanager-client.js';
export * from './evaluator.js';
export * from './runbooks.js';
export * from './replica.js';
export * from './env.js';
