// Plumbing shared by the Kafka ingest tests and the benchmark: producing a workload, waiting until
// a consumer group committed everything, reading the dead letters, comparing counts with the truth,
// and running the ingest service as a child process.
import { createLogger } from '@pi-egress/config';
import { createMetrics, type Metrics, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import { readTopicToEnd, startKafkaIngest, type KafkaConsumerTuning, type KafkaIngest, type KafkaIngestSettings } from '@pi-egress/ingest';
import type { Store } from '@pi-egress/store';
import { makeCertificate } from '@pi-egress/testing/fixtures';
import type { Kafka, Message } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ScopeTruth, WorkloadMessage } from './ingest-workload.js';
import { KAFKA_MOCK_CONSUMER_TIMINGS } from './kafka-mock.js';
import { pollUntil, startService, testPackageRoot, type Service } from './process.js';

/** Consumer timings that keep the mock's rebalances short (see kafka-mock.ts). */
export const MOCK_TUNING: KafkaConsumerTuning = {
  sessionTimeoutMs: KAFKA_MOCK_CONSUMER_TIMINGS.sessionTimeout,
  heartbeatIntervalMs: KAFKA_MOCK_CONSUMER_TIMINGS.heartbeatInterval,
  rebalanceTimeoutMs: KAFKA_MOCK_CONSUMER_TIMINGS.rebalanceTimeout,
  fetchMaxWaitMs: KAFKA_MOCK_CONSUMER_TIMINGS.maxWaitTimeInMs,
};

/** The same timings for a child process (services/ingest/src/env.ts). */
export const MOCK_TUNING_ENV = {
  KAFKA_SESSION_TIMEOUT_MS: String(KAFKA_MOCK_CONSUMER_TIMINGS.sessionTimeout),
  KAFKA_HEARTBEAT_INTERVAL_MS: String(KAFKA_MOCK_CONSUMER_TIMINGS.heartbeatInterval),
  KAFKA_FETCH_MAX_WAIT_MS: String(KAFKA_MOCK_CONSUMER_TIMINGS.maxWaitTimeInMs),
};

/** Transfer rows of a processor as stored: `final` counts after merging duplicates, else every row written (a row written twice shows). */
export async function transferRows(store: Store, processorId: string, { final }: { final: boolean }): Promise<number> {
  const [row] = await store.client
    .query({
      query: final
        ? 'SELECT count() AS n FROM transfers FINAL WHERE processor_id = {p:String}'
        : 'SELECT count() AS n FROM transfers WHERE processor_id = {p:String}',
      query_params: { p: processorId },
      format: 'JSONEachRow',
    })
    .then((result) => result.json<{ n: number }>());
  return Number(row!.n);
}

/** Kafka ingest in this process, writing to `store` on the wall clock; `kafka.tuning` over MOCK_TUNING (LOG_LEVEL=debug shows its log). */
export function startInProcessIngest(opts: {
  store: Store;
  subjectKey: string;
  metrics?: Metrics;
  kafka: KafkaIngestSettings;
}): Promise<KafkaIngest> {
  const ctx: MonitorContext = { store: opts.store, catalogue: new CategoryCatalogue(), subjectKey: opts.subjectKey, now: () => new Date() };
  return startKafkaIngest({
    ctx,
    metrics: opts.metrics ?? createMetrics(),
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }),
    kafka: { ...opts.kafka, tuning: { ...MOCK_TUNING, ...opts.kafka.tuning } },
  });
}

/** Produces in order, `chunk` messages per request, acknowledged by all replicas. */
export async function produceMessages(kafka: Kafka, topic: string, messages: readonly WorkloadMessage[], chunk = 500): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += chunk) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + chunk) as Message[] });
    }
    await expectNothingDropped(kafka, topic);
  } finally {
    await producer.disconnect();
  }
}

/**
 * The librdkafka mock broker deletes the oldest messages of a partition beyond ~5 MB (it is a
 * test double, not a durable log): fail loudly rather than let a test count a truncated stream.
 */
async function expectNothingDropped(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const truncated = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.low) > 0);
    if (truncated.length > 0) {
      const where = truncated.map((p) => `partition ${p.partition} starts at ${p.low}`).join(', ');
      throw new Error(`the mock broker dropped old messages of ${topic} (${where}): produce less per partition`);
    }
  } finally {
    await admin.disconnect();
  }
}

export interface GroupProgress {
  committed: number;
  end: number;
}

/** Offsets committed by the group and end offsets, summed over the topic's partitions. */
export async function groupProgress(kafka: Kafka, groupId: string, topic: string): Promise<GroupProgress> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    return {
      end: ends.reduce((sum, p) => sum + Number(p.high), 0),
      committed: (committed[0]?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group committed every message of the topic (so every write was durable). */
export async function waitUntilConsumed(kafka: Kafka, groupId: string, topic: string, timeoutMs: number): Promise<void> {
  await pollUntil(
    async () => {
      const { committed, end } = await groupProgress(kafka, groupId, topic);
      return end > 0 && committed === end ? true : undefined;
    },
    { timeoutMs, intervalMs: 250, description: `group ${groupId} to commit all of ${topic}` },
  );
}

export interface DeadLetterRecord {
  key: string;
  headers: Record<string, string>;
}

/** Every message of the dead-letter topic, with its headers as text. */
export async function readDeadLetters(kafka: Kafka, dlqTopic: string): Promise<DeadLetterRecord[]> {
  const records: DeadLetterRecord[] = [];
  await readTopicToEnd({
    kafka,
    topic: dlqTopic,
    handle: async (messages) => {
      for (const message of messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({ key: message.key?.toString() ?? '', headers });
      }
    },
  });
  return records;
}

/**
 * Puts the workload's processor in its group and declares its certificate (before any ingest
 * instance starts: they reload scopes only every few seconds).
 */
export async function declareWorkloadProcessor(
  store: Store,
  workload: { processorId: string; groupId: string; certificateId: string },
): Promise<void> {
  await store.scopes.putProcessor({ processorId: workload.processorId, groupId: workload.groupId, countExempt: false, ciiOperator: false });
  const declared = validateCertificate(makeCertificate({ certificateId: workload.certificateId, processorId: workload.processorId }));
  if (!declared.ok) throw new Error(declared.errors.join('; '));
  await store.scopes.putVersion(declared.certificate, new Date(0));
}

/** The store's exact counts for each scope of the truth, in the same shape. */
export async function storedCounts(store: Store, truth: readonly ScopeTruth[], year: number): Promise<ScopeTruth[]> {
  return Promise.all(
    truth.map(async ({ level, scopeId }) => {
      const { counts } = await store.usage.individuals({ level, scopeId, year });
      return { level, scopeId, counts };
    }),
  );
}

const repoRoot = () => join(testPackageRoot(), '..');

/** Builds the ingest service and what it depends on (a child process runs the built code). */
export function buildIngestService(): void {
  const result = spawnSync(
    'npx',
    ['--yes', 'pnpm@10.34.9', 'exec', 'turbo', 'run', 'build', '--filter', '@pi-egress/ingest...', '--output-logs=errors-only'],
    {
      cwd: repoRoot(),
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`building @pi-egress/ingest failed:\n${result.stdout}\n${result.stderr}`);
}

/** Environment of an ingest process on the test engine and the mock broker (mock consumer timings, no settle time). */
export function ingestProcessEnv(options: {
  clickhouseUrl: string;
  database: string;
  subjectKey: string;
  brokers: string;
  topic: string;
  dlqTopic: string;
  groupId: string;
  maxMessageBytes: number;
  port: number;
}): Record<string, string> {
  return {
    ...MOCK_TUNING_ENV,
    CLICKHOUSE_URL: options.clickhouseUrl,
    CLICKHOUSE_DATABASE: options.database,
    EGRESS_COUNT_SETTLE_MS: '0',
    EGRESS_SUBJECT_KEY: options.subjectKey,
    KAFKA_BROKERS: options.brokers,
    EGRESS_TOPIC: options.topic,
    EGRESS_DLQ_TOPIC: options.dlqTopic,
    EGRESS_GROUP_ID: options.groupId,
    EGRESS_MAX_MESSAGE_BYTES: String(options.maxMessageBytes),
    EGRESS_HTTP_HOST: '127.0.0.1',
    EGRESS_HTTP_PORT: String(options.port),
  };
}

/** The standalone ingest service (`node services/ingest/dist/main.js`) with `env` on top of this process's. */
export function startIngestProcess(name: string, env: Record<string, string>): Service {
  return startService({
    name,
    command: process.execPath,
    args: [join(repoRoot(), 'services', 'ingest', 'dist', 'main.js')],
    env: { ...process.env, LOG_LEVEL: process.env.INGEST_LOG_LEVEL ?? 'warn', ...env },
  });
}
