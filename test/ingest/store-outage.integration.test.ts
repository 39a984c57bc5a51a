import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { createMetrics } from '@pi-egress/core';
import type { KafkaIngest } from '@pi-egress/ingest';
import { openStore, type Store } from '@pi-egress/store';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  declareWorkloadProcessor,
  groupProgress,
  produceMessages,
  startInProcessIngest,
  storedCounts,
  waitUntilConsumed,
} from '../harness/ingest-kafka.js';
import { buildWorkload, WORKLOAD_YEAR } from '../harness/ingest-workload.js';
import { startEventsMock, type KafkaMock } from '../harness/kafka-mock.js';
import { pollUntil, removeDir, sleep, tempDir } from '../harness/process.js';

const TOPIC = 'outage.events';
const DLQ = 'outage.events.dlq';
const GROUP = 'outage-group';
const SUBJECT_KEY = 'store-outage-test-key';
const OUTAGE_MS = 20_000;

describe('Kafka ingest while the ClickHouse engine is stopped for 20 s', () => {
  let dataDir: string;
  let engine: EmbeddedClickHouse;
  let mock: KafkaMock;
  let kafka: Kafka;
  let store: Store;
  let ingest: KafkaIngest;
  const metrics = createMetrics();

  beforeAll(async () => {
    // An engine of its own, which this test stops and starts again on the same data and ports.
    dataDir = await tempDir('outage-clickhouse');
    engine = await startEmbeddedClickHouse({ dataDir });
    ({ mock, kafka } = await startEventsMock('outage-test', { topic: TOPIC, partitions: 6, dlq: DLQ, dlqPartitions: 1 }));
    store = await openStore({ url: engine.url, database: 'outage', settleMs: 0, requestTimeoutMs: 10_000 });
    ingest = await startInProcessIngest({
      store,
      subjectKey: SUBJECT_KEY,
      metrics,
      kafka: {
        brokers: mock.brokers,
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
    await mock?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  it('pauses while the engine is down, resumes by itself when it is back, and counts exactly', async () => {
    const workload = buildWorkload({ subjectRecords: 100_000, subjectKey: SUBJECT_KEY, maxMessageBytes: 16 * 1024, malformed: 20, seed: 21 });
    await declareWorkloadProcessor(store, workload);
    await produceMessages(kafka, TOPIC, workload.messages);
    await pollUntil(async () => ((await groupProgress(kafka, GROUP, TOPIC)).committed > 0 ? true : undefined), {
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
    const whenPaused = await groupProgress(kafka, GROUP, TOPIC);
    expect(whenPaused.committed, 'the outage must land mid-consumption').toBeLessThan(whenPaused.end);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    // Nothing is committed while nothing can be written.
    expect((await groupProgress(kafka, GROUP, TOPIC)).committed).toBe(whenPaused.committed);
    expect(ingest.isReady()).toBe(false);
    const storeErrors = (await metrics.storeErrors.get()).values.find((v) => v.labels.operation === 'write')?.value ?? 0;
    expect(storeErrors).toBeGreaterThan(0);

    engine = await startEmbeddedClickHouse({ dataDir, httpPort: engine.httpPort, tcpPort: engine.tcpPort });
    await waitUntilConsumed(kafka, GROUP, TOPIC, 60_000);
    expect(ingest.isReady()).toBe(true);
    expect(await storedCounts(store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
  }, 120_000);
});
