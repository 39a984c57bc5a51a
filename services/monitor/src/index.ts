export * from './monitor.js';
export * from './env.js';
