import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildLauncher, startEmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}

/**
 * One real ClickHouse engine for the whole run (tests isolate themselves by database), or the
 * server named by TEST_CLICKHOUSE_URL. Its URL reaches tests as process.env.TEST_CLICKHOUSE_URL and
 * inject('clickhouseUrl').
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.TEST_CLICKHOUSE_URL;
  if (existing) {
    project.provide('clickhouseUrl', existing);
    return async () => {};
  }
  // Tests run from source: compile the launcher here when the package build has not (or is stale).
  buildLauncher();
  const dataDir = await mkdtemp(join(tmpdir(), 'pi-egress-test-clickhouse-'));
  const engine = await startEmbeddedClickHouse({ dataDir });
  process.env.TEST_CLICKHOUSE_URL = engine.url;
  project.provide('clickhouseUrl', engine.url);
  return async () => {
    await engine.stop();
    delete process.env.TEST_CLICKHOUSE_URL;
    await rm(dataDir, { recursive: true, force: true });
  };
}
