// A ClickHouse engine for a benchmark: CLICKHOUSE_URL when set, else an embedded one in a temp dir.
import { startEmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { removeDir, tempDir } from '../harness/process.js';

export async function withBenchEngine<T>(run: (url: string) => Promise<T>): Promise<T> {
  if (process.env.CLICKHOUSE_URL) return run(process.env.CLICKHOUSE_URL);
  const dataDir = await tempDir('bench-engine');
  const engine = await startEmbeddedClickHouse({ dataDir });
  try {
    return await run(engine.url);
  } finally {
    await engine.stop();
    await removeDir(dataDir);
  }
}
