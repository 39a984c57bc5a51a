export { libchdbPath, launcherPath, buildLauncher } from './paths.js';
export {
  startEmbeddedClickHouse,
  type EmbeddedClickHouse,
  type EmbeddedClickHouseOptions,
} from './server.js';
export { superviseEmbeddedClickHouse, type SupervisedClickHouse, type SupervisedClickHouseOptions } from './supervisor.js';
