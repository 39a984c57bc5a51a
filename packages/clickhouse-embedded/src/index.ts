export { libchdbPath, launcherPath, buildLauncher } from './paths.js';
export { SERVE_QUERY_ID } from './args.js';
export {
  startEmbeddedClickHouse,
  type EmbeddedClickHouse,
  type EmbeddedClickHouseOptions,
} from './server.js';
export { superviseEmbeddedClickHouse, type SupervisedClickHouse, type SupervisedClickHouseOptions } from './supervisor.js';
