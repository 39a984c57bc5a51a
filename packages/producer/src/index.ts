export * from './event-builder.js';
