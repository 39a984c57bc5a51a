// Test support shared by every package's tests, the cross-service tests, benchmarks and the fault
// campaign: the test store and API on the real engine, the built monitor as a process, fixtures.
// (The engine itself is started once per run by global-setup.ts, named in vitest.config.ts.)
export * from './api.js';
export * from './evaluated-api.js';
export * from './fixtures.js';
export * from './monitor-process.js';
export * from './store.js';
export * from './suite.js';
