export * from './cli.js';
export * from './env.js';
export * from './logger.js';
export * from './secrets.js';
