export * from './kafka-ingest.js';
export * from './env.js';
export * from './steps.js';
export * from './dead-letters.js';
export * from './replay.js';
export * from './topic-reader.js';
