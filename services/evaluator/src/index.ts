export * from './alertmanager-client.js';
export * from './evaluator.js';
export * from './runbooks.js';
export * from './metrics-server.js';
export * from './replica.js';
