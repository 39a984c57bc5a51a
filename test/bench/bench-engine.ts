// A ClickHouse engine for a benchmark: CLICKHOUSE_URL when set, else an embedded one in a temp dir,
// with the query log on (the engine-side profile: query-log.ts).
import { startEmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../harness/process.js';

/** Engine configuration that turns on `system.query_log` (flushed every second). */
export const QUERY_LOG_CONFIG = `<clickhouse>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>1000</flush_interval_milliseconds>
  </query_log>
</clickhouse>
`;

export async function withBenchEngine<T>(run: (url: string) => Promise<T>): Promise<T> {
  if (process.env.CLICKHOUSE_URL) return run(process.env.CLICKHOUSE_URL);
  const dataDir = await tempDir('bench-engine');
  const configFile = join(dataDir, 'query-log.xml');
  writeFileSync(configFile, QUERY_LOG_CONFIG);
  const engine = await startEmbeddedClickHouse({ dataDir: join(dataDir, 'engine'), configFile });
  try {
    return await run(engine.url);
  } finally {
    await engine.stop();
    await removeDir(dataDir);
  }
}
