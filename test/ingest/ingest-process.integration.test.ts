// The standalone ingest service as child processes (built code: `node services/ingest/dist/main.js`).
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildIngestService,
  declareWorkloadProcessor,
  groupProgress,
  MOCK_TUNING_ENV,
  produceMessages,
  readDeadLetters,
  startIngestProcess,
  storedCounts,
  transferRows,
  waitUntilConsumed,
} from '../harness/ingest-kafka.js';
import { buildWorkload, WORKLOAD_YEAR, type Workload } from '../harness/ingest-workload.js';
import { startKafkaMock, type KafkaMock } from '../harness/kafka-mock.js';
import { freePort, pollUntil, sleep, type Service } from '../harness/process.js';
import { clickhouseUrl, openTestStore } from '@pi-egress/testing';

const SUBJECT_KEY = 'ingest-process-test-key';
const MAX_MESSAGE_BYTES = 16 * 1024;
const topics = (name: string) => ({ topic: `${name}.events`, dlqTopic: `${name}.events.dlq`, groupId: `${name}-group` });

describe('the ingest service as a process: crashes and a shared consumer group', () => {
  let mock: KafkaMock;
  let kafka: Kafka;
  let store: Awaited<ReturnType<typeof openTestStore>>;
  const running = new Set<Service>();

  beforeAll(async () => {
    buildIngestService();
    mock = await startKafkaMock({
      topics: ['kill', 'pair'].flatMap((name) => [
        { name: topics(name).topic, partitions: 6 },
        { name: topics(name).dlqTopic, partitions: 2 },
      ]),
    });
    kafka = new Kafka({ clientId: 'ingest-process-test', brokers: mock.brokers, logLevel: logLevel.NOTHING });
    store = await openTestStore();
  });

  afterAll(async () => {
    await Promise.all([...running].map((service) => service.stop(1_000)));
    await store?.close();
    await mock?.stop();
  });

  async function startIngest(name: string): Promise<{ service: Service; url: string }> {
    const port = await freePort();
    const { topic, dlqTopic, groupId } = topics(name);
    const service = startIngestProcess(`ingest-${name}`, {
      ...MOCK_TUNING_ENV,
      CLICKHOUSE_URL: clickhouseUrl(),
      CLICKHOUSE_DATABASE: store.database,
      EGRESS_COUNT_SETTLE_MS: '0',
      EGRESS_SUBJECT_KEY: SUBJECT_KEY,
      KAFKA_BROKERS: mock.bootstrap,
      EGRESS_TOPIC: topic,
      EGRESS_DLQ_TOPIC: dlqTopic,
      EGRESS_GROUP_ID: groupId,
      EGRESS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      // Small fetches: many batches, so a kill lands between commits.
      KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(32 * 1024),
      EGRESS_HTTP_HOST: '127.0.0.1',
      EGRESS_HTTP_PORT: String(port),
    });
    running.add(service);
    void service.child.once('exit', () => running.delete(service));
    return { service, url: `http://127.0.0.1:${port}` };
  }

  async function workloadFor(name: string, seed: number): Promise<Workload> {
    const workload = buildWorkload({
      subjectRecords: 100_000,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      malformed: 50,
      processorId: `P-${name}`,
      certificateId: `CERT-${name}`,
      groupId: `G-${name}`,
      seed,
    });
    await declareWorkloadProcessor(store, workload);
    return workload;
  }

  /** Every malformed message is in the DLQ (a redelivered batch may have sent some twice), nothing else is. */
  async function expectDeadLetters(name: string, workload: Workload): Promise<void> {
    const keys = new Set((await readDeadLetters(kafka, topics(name).dlqTopic)).map((d) => d.key));
    expect([...keys].sort()).toEqual([...workload.malformed.keys()].sort());
  }

  it('counts exactly when the process is killed (SIGKILL) mid-consumption three times and restarted', async () => {
    const { topic, groupId } = topics('kill');
    const workload = await workloadFor('kill', 11);
    await produceMessages(kafka, topic, workload.messages);
    let ingest = await startIngest('kill');
    for (let kill = 1; kill <= 3; kill++) {
      const before = (await groupProgress(kafka, groupId, topic)).committed;
      const progress = await pollUntil(
        async () => {
          const now = await groupProgress(kafka, groupId, topic);
          return now.committed > before ? now : undefined;
        },
        { timeoutMs: 45_000, intervalMs: 100, description: `progress before kill ${kill}` },
      );
      expect(progress.committed, 'the kill must land mid-consumption').toBeLessThan(progress.end);
      await sleep(Math.floor(Math.random() * 300));
      ingest.service.child.kill('SIGKILL');
      await ingest.service.stop();
      ingest = await startIngest('kill');
    }
    await waitUntilConsumed(kafka, groupId, topic, 60_000);

    expect(await storedCounts(store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
    // Nothing written twice either: one transfer row per distinct event, even before any merge.
    expect(await transferRows(store, workload.processorId, { final: false })).toBe(workload.events);
    await expectDeadLetters('kill', workload);

    await ingest.service.stop(10_000);
    expect(ingest.service.child.exitCode, ingest.service.output()).toBe(0);
  }, 150_000);

  it('counts exactly with two instances sharing the partitions of one group', async () => {
    const { topic, groupId } = topics('pair');
    const workload = await workloadFor('pair', 12);
    const [a, b] = await Promise.all([startIngest('pair'), startIngest('pair')]);
    await Promise.all([a, b].map(({ service, url }) => service.waitForHttp(`${url}/readyz`, 45_000)));
    await produceMessages(kafka, topic, workload.messages);
    await waitUntilConsumed(kafka, groupId, topic, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- a:\n${a!.service.output()}\n--- b:\n${b!.service.output()}`);
    });

    expect(await storedCounts(store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
    await expectDeadLetters('pair', workload);
    for (const { url } of [a!, b!]) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const accepted = Number(/^pi_egress_events_total\{result="accepted"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
      expect(accepted, `${url} consumed nothing: the partitions were not shared`).toBeGreaterThan(0);
    }
    await Promise.all([a!, b!].map(({ service }) => service.stop(10_000)));
    expect([a!.service.child.exitCode, b!.service.child.exitCode]).toEqual([0, 0]);
  }, 120_000);
});
