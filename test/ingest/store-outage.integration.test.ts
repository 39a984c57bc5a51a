import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { openStore } from '@pi-egress/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareWorkloadProcessor, storedCounts } from '../harness/ingest-kafka.js';
import { kafkaIngestForSuite } from '../harness/kafka-suite.js';
import { buildWorkload, WORKLOAD_YEAR } from '../harness/ingest-workload.js';
import { pollUntil, removeDir, sleep, tempDir } from '../harness/process.js';

const SUBJECT_KEY = 'store-outage-test-key';
const OUTAGE_MS = 20_000;

describe('Kafka ingest while the ClickHouse engine is stopped for 20 s', () => {
  let dataDir: string;
  let engine: EmbeddedClickHouse;
  // An engine of its own, which this test stops and starts again on the same data and ports
  // (started before the rig and stopped after it).
  beforeAll(async () => {
    dataDir = await tempDir('outage-clickhouse');
    engine = await startEmbeddedClickHouse({ dataDir });
  });
  afterAll(async () => {
    await engine?.stop();
    if (dataDir) await removeDir(dataDir);
  });
  const rig = kafkaIngestForSuite({
    partitions: 6,
    dlqPartitions: 1,
    subjectKey: SUBJECT_KEY,
    maxMessageBytes: 16 * 1024,
    openStore: () => openStore({ url: engine.url, database: 'outage', settleMs: 0, requestTimeoutMs: 10_000 }),
    // Small fetches so that consumption is still going when the engine stops.
    tuning: { fetchMaxBytesPerPartition: 16 * 1024, storeRetry: { minDelayMs: 200, maxDelayMs: 2_000 } },
  });

  it('pauses while the engine is down, resumes by itself when it is back, and counts exactly', async () => {
    const workload = buildWorkload({ subjectRecords: 100_000, subjectKey: SUBJECT_KEY, maxMessageBytes: 16 * 1024, malformed: 20, seed: 21 });
    await declareWorkloadProcessor(rig.store, workload);
    await rig.produce(workload.messages);
    await pollUntil(async () => ((await rig.progress()).committed > 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'first commits',
    });

    await engine.stop();
    const stoppedAt = Date.now();
    await pollUntil(async () => (rig.ingest.isReady() ? undefined : true), {
      timeoutMs: 15_000,
      intervalMs: 100,
      description: 'ingest to report not ready',
    });
    const whenPaused = await rig.progress();
    expect(whenPaused.committed, 'the outage must land mid-consumption').toBeLessThan(whenPaused.end);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    // Nothing is committed while nothing can be written.
    expect((await rig.progress()).committed).toBe(whenPaused.committed);
    expect(rig.ingest.isReady()).toBe(false);
    const storeErrors = (await rig.metrics.storeErrors.get()).values.find((v) => v.labels.operation === 'write')?.value ?? 0;
    expect(storeErrors).toBeGreaterThan(0);

    engine = await startEmbeddedClickHouse({ dataDir, httpPort: engine.httpPort, tcpPort: engine.tcpPort });
    await rig.waitUntilConsumed(60_000);
    expect(rig.ingest.isReady()).toBe(true);
    expect(await storedCounts(rig.store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
  }, 120_000);
});
