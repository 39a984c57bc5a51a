export * from './step-result.js';
export * from './decode.js';
export * from './ingest.js';
