export * from './monitor.js';
