import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@pi-egress/store';
import { QUERY_LOG_CONFIG } from '../bench/bench-engine.js';
import { afterAll, describe, expect, it } from 'vitest';
import { type MonitorProcess, startMonitorProcess } from '@pi-egress/testing';

describe('EGRESS_ENGINE_CONFIG_FILE', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-engine-config-'));
  let monitor: MonitorProcess;
  afterAll(async () => {
    await monitor?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the embedded engine that configuration (here: its query log, for profiling)', async () => {
    const configFile = join(dataDir, 'query-log.xml');
    // The engine's own query log: off by default, on through an extra configuration file.
    writeFileSync(configFile, QUERY_LOG_CONFIG);
    monitor = await startMonitorProcess({ EGRESS_DATA_DIR: join(dataDir, 'data'), EGRESS_ENGINE_CONFIG_FILE: configFile });
    const started = monitor
      .output()
      .split('\n')
      .find((line) => line.includes('"embedded ClickHouse engine started"'));
    const url = (JSON.parse(started!) as { clickhouse: string }).clickhouse;
    const store = await openStore({ url, database: 'pi_egress', migrate: false });
    try {
      await store.client.command({ query: 'SYSTEM FLUSH LOGS' });
      const result = await store.client.query({ query: 'SELECT count() AS queries FROM system.query_log', format: 'JSONEachRow' });
      const [row] = await result.json<{ queries: string }>();
      // The monitor's own start-up (migrations, the registry) is in it.
      expect(Number(row?.queries)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
