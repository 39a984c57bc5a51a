export * from './context.js';
export * from './ingest.js';
export * from './usage.js';
export * from './metrics.js';
export * from './decode.js';
export * from './startup.js';
