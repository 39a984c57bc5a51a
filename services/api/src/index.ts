export * from './app.js';
export * from './auth.js';
export * from './options.js';
export * from './rate-limit.js';
export * from './route-guard.js';
export * from './env.js';
