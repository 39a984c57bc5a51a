import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { createMetrics } from '@pi-egress/core';
import type { KafkaIngest } from '@pi-egress/ingest';
import { openStore, type Store } from '@pi-egress/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  declareWorkloadProcessor,
  groupProgress,
  produceMessages,
  startInProcessIngest,
  storedCounts,
  waitUntilConsumed,
} from '../harness/ingest-kafka.js';
import { eventsMockForSuite } from '../harness/kafka-suite.js';
import { buildWorkload, WORKLOAD_YEAR } from '../harness/ingest-workload.js';
import { pollUntil, removeDir, sleep, tempDir } from '../harness/process.js';

const TOPIC = 'outage.events';
const DLQ = 'outage.events.dlq';
const GROUP = 'outage-group';
const SUBJECT_KEY = 'store-outage-test-key';
const OUTAGE_MS = 20_000;

describe('Kafka ingest while the ClickHouse engine is stopped for 20 s', () => {
  let dataDir: string;
  let engine: EmbeddedClickHouse;
  const broker = eventsMockForSuite('outage-test', { topic: TOPIC, partitions: 6, dlq: DLQ, dlqPartitions: 1 });
  let store: Store;
  let ingest: KafkaIngest;
  const metrics = createMetrics();

  beforeAll(async () => {
    // An engine of its own, which this test stops and starts again on the same data and ports.
    dataDir = await tempDir('outage-clickhouse');
    engine = await startEmbeddedClickHouse({ dataDir });
    store = await openStore({ url: engine.url, database: 'outage', settleMs: 0, requestTimeoutMs: 10_000 });
    ingest = await startInProcessIngest({
      store,
      subjectKey: SUBJECT_KEY,
      metrics,
      kafka: {
        brokers: broker.mock.brokers,
        clientId: 'outage-test',
        topic: TOPIC,
        dlqTopic: DLQ,
        groupId: GROUP,
        maxMessageBytes: 16 * 1024,
        // Small fetches so that consumption is still going when the engine stops.
        tuning: { fetchMaxBytesPerPartition: 16 * 1024, storeRetry: { minDelayMs: 200, maxDelayMs: 2_000 } },
      },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await store?.close();
    await engine?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  it('pauses while the engine is down, resumes by itself when it is back, and counts exactly', async () => {
    const workload = buildWorkload({ subjectRecords: 100_000, subjectKey: SUBJECT_KEY, maxMessageBytes: 16 * 1024, malformed: 20, seed: 21 });
    await declareWorkloadProcessor(store, workload);
    await produceMessages(broker.kafka, TOPIC, workload.messages);
    await pollUntil(async () => ((await groupProgress(broker.kafka, GROUP, TOPIC)).committed > 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'first commits',
    });

    await engine.stop();
    const stoppedAt = Date.now();
    await pollUntil(async () => (ingest.isReady() ? undefined : true), {
      timeoutMs: 15_000,
      intervalMs: 100,
      description: 'ingest to report not ready',
    });
    const whenPaused = await groupProgress(broker.kafka, GROUP, TOPIC);
    expect(whenPaused.committed, 'the outage must land mid-consumption').toBeLessThan(whenPaused.end);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    // Nothing is committed while nothing can be written.
    expect((await groupProgress(broker.kafka, GROUP, TOPIC)).committed).toBe(whenPaused.committed);
    expect(ingest.isReady()).toBe(false);
    const storeErrors = (await metrics.storeErrors.get()).values.find((v) => v.labels.operation === 'write')?.value ?? 0;
    expect(storeErrors).toBeGreaterThan(0);

    engine = await startEmbeddedClickHouse({ dataDir, httpPort: engine.httpPort, tcpPort: engine.tcpPort });
    await waitUntilConsumed(broker.kafka, GROUP, TOPIC, 60_000);
    expect(ingest.isReady()).toBe(true);
    expect(await storedCounts(store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
  }, 120_000);
});
