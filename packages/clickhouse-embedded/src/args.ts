import { join } from 'node:path';

const MiB = 1024 * 1024;

/**
 * Server settings, passed as configuration overrides after `--`. The engine's defaults suit a
 * dedicated server (memory cap at 90 % of RAM, 5 GiB mark and index caches); the embedded engine
 * shares the host with the monitor, so bound what can grow. Caches fill lazily: these limits do not
 * change idle RSS, they bound it under load. The uncompressed and page caches are already off.
 */
const SERVER_CONFIG: Record<string, string | number> = {
  // Hard cap on memory the engine tracks (queries, merges, caches): a runaway query fails with
  // MEMORY_LIMIT_EXCEEDED instead of starving the host. Measured: uniqExact over 2M pseudonyms
  // peaks at ~80 MB, a sorted digest over 400k at ~140 MB. Not lower: the tracked total runs well
  // above the RSS (384 MiB refused queries at 155 MiB of RSS with 2,000 certificates, many-scopes
  // bench), so a tighter cap fails requests rather than saving memory.
  max_server_memory_usage: 1024 * MiB,
  // Merge threads: the default 16 is for large servers; two cores merge no faster with more, and
  // each merge holds its blocks in memory.
  background_pool_size: 2,
  // Marks and primary keys of a few million rows take a few MB.
  mark_cache_size: 64 * MiB,
  index_mark_cache_size: 16 * MiB,
  primary_index_cache_size: 64 * MiB,
  compiled_expression_cache_size: 32 * MiB,
  // Freed memory stays in jemalloc as dirty pages (RSS) until they exceed this share of the cap;
  // the default 0.2 kept ~100 MB resident after a query forever, 0.05 (~50 MB) returns it within ~15 s.
  memory_worker_purge_dirty_pages_threshold_ratio: 0.05,
  // Rotate the server log instead of the default 100 MB file.
  'logger.size': '10M',
  'logger.count': 3,
};

/**
 * `SYSTEM START LISTEN QUERIES ALL` opens the HTTP and native listeners; the engine serves them for
 * as long as the command line's query runs, so the next one never ends. sleepEachRow is capped at
 * 3 s per block, hence one-row blocks. The query id marks it in system.processes: killing that
 * query stops the server.
 */
const SERVE_FOREVER =
  'SYSTEM START LISTEN QUERIES ALL; ' + 'SELECT 1 FROM system.numbers WHERE sleepEachRow(1) SETTINGS max_block_size = 1 FORMAT Null';

/** The query id of the query that keeps the embedded server serving (it runs as long as the server). */
export const SERVE_QUERY_ID = 'embedded-clickhouse-serve';

export function serverLogPath(dataDir: string): string {
  return join(dataDir, 'logs', 'clickhouse.log');
}

/**
 * clickhouse-local arguments that turn the engine into a loopback server on `dataDir`; `settings`
 * (server configuration keys, e.g. `max_server_memory_usage`) override the defaults above.
 */
export function engineArgs(
  dataDir: string,
  httpPort: number,
  tcpPort: number,
  configFile?: string,
  settings: Record<string, string | number> = {},
): string[] {
  return [
    ...(configFile ? [`--config-file=${configFile}`] : []),
    `--path=${dataDir}`,
    '--listen_host=127.0.0.1',
    `--http_port=${httpPort}`,
    // Always explicit: the default 9000 is often taken, and a failed bind stops the server.
    `--tcp_port=${tcpPort}`,
    `--logger.log=${serverLogPath(dataDir)}`,
    // `--logger.level` is ignored here; `--log-level` works.
    '--log-level=warning',
    `--query_id=${SERVE_QUERY_ID}`,
    `--query=${SERVE_FOREVER}`,
    '--',
    ...Object.entries({ ...SERVER_CONFIG, ...settings }).map(([key, value]) => `--${key}=${value}`),
  ];
}
