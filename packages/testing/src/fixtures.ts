// The light part of @pi-egress/testing (imports only the domain): what unit tests use, as
// `@pi-egress/testing/fixtures`, so that they do not load the API, the store and the engine setup.
export * from './domain-fixtures.js';
export * from './events.js';
export * from './repo-root.js';
