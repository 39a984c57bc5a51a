export * from './client.js';
export * from './migrator.js';
export * from './scope.js';
export * from './scope-registry.js';
export * from './store.js';
export * from './transfer-queries.js';
export * from './transfer-writer.js';
export * from './usage.js';
