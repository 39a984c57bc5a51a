import type { Logger } from '@pi-egress/config';
import type { IngestReport, Metrics, MonitorContext } from '@pi-egress/core';
import { Kafka, logLevel, Partitioners, type Batch } from 'kafkajs';
import { Gauge } from 'prom-client';
import { Backpressure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backpressure.js';
import { createBatchHandler } from './batch-handler.js';
import { superviseConsumer } from './consumer-supervisor.js';
import { kafkaLogCreator } from './kafka-logging.js';

/** Consumer tuning; kafkajs' defaults where not given. */
export interface KafkaConsumerTuning {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** How long a fetch waits for data on an idle partition. */
  fetchMaxWaitMs?: number;
  fetchMaxBytesPerPartition?: number;
  /**
   * Batches of different partitions in flight at once (default 3). Writes stay serialised per
   * process, so the Node work of the next batches (decode, validation, HMAC, row encoding)
   * overlaps the current write instead of waiting for it; each batch's offsets are still
   * committed only after its own write is durable.
   */
  partitionsConsumedConcurrently?: number;
  storeRetry?: RetryPolicy;
}

export interface KafkaIngestSettings {
  brokers: string[];
  clientId: string;
  topic: string;
  dlqTopic: string;
  groupId: string;
  maxMessageBytes: number;
  tuning?: KafkaConsumerTuning;
}

export interface KafkaIngestOptions {
  ctx: MonitorContext;
  metrics: Metrics;
  logger: Logger;
  kafka: KafkaIngestSettings;
  onBatchWritten?: (report: IngestReport) => void;
  /**
   * kafkajs gave up on the consumer after a non-retriable error. The ingest starts a fresh consumer
   * by itself after a backoff (from the committed offsets); this is for logging or alerting only.
   */
  onFatal?: (error: Error) => void;
}

export interface KafkaIngest {
  /** Stops fetching, abandons the batch in flight without committing it, leaves the group. */
  stop(): Promise<void>;
  /** In the group with partitions assigned, and the store answering. */
  isReady(): boolean;
}

const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;
const DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY = 3;

function consumerLagGauge(metrics: Metrics): Gauge<'topic' | 'partition'> {
  const name = 'pi_egress_kafka_consumer_lag_messages';
  const existing = metrics.registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'topic' | 'partition'>;
  return new Gauge({
    name,
    help: 'Messages after the last one processed, per partition, as of the last batch',
    labelNames: ['topic', 'partition'],
    registers: [metrics.registry],
  });
}

/**
 * Consumes the egress topic in a consumer group and feeds the store (see batch-handler.ts for the
 * per-batch guarantees). Offsets are committed only by the batch handler, after the batch's
 * writes and dead letters are durable.
 */
export async function startKafkaIngest(options: KafkaIngestOptions): Promise<KafkaIngest> {
  const { ctx, metrics, kafka: settings } = options;
  const tuning = settings.tuning ?? {};
  const logger = options.logger.child({ component: 'kafka-ingest', topic: settings.topic, groupId: settings.groupId });
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  const heartbeatIntervalMs = tuning.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const shutdown = new AbortController();
  const lag = consumerLagGauge(metrics);
  const createConsumer = () =>
    kafka.consumer({
      groupId: settings.groupId,
      allowAutoTopicCreation: false,
      heartbeatInterval: heartbeatIntervalMs,
      ...(tuning.sessionTimeoutMs ? { sessionTimeout: tuning.sessionTimeoutMs } : {}),
      ...(tuning.rebalanceTimeoutMs ? { rebalanceTimeout: tuning.rebalanceTimeoutMs } : {}),
      ...(tuning.fetchMaxWaitMs ? { maxWaitTimeInMs: tuning.fetchMaxWaitMs } : {}),
      ...(tuning.fetchMaxBytesPerPartition ? { maxBytesPerPartition: tuning.fetchMaxBytesPerPartition } : {}),
    });
  // Closures over `consumer` (declared below): they only run once it consumes.
  const backpressure = new Backpressure(
    { pause: () => consumer.pause(), resume: () => consumer.resume() },
    logger,
    metrics,
    tuning.storeRetry ?? DEFAULT_RETRY_POLICY,
  );
  const eachBatch = createBatchHandler({
    ctx,
    metrics,
    logger,
    // connect() is a no-op once connected: a producer that lost its brokers reconnects on retry.
    sendDeadLetters: async (messages) => {
      await producer.connect();
      await producer.send({ topic: settings.dlqTopic, acks: -1, messages });
    },
    backpressure,
    maxMessageBytes: settings.maxMessageBytes,
    heartbeatIntervalMs,
    shutdown: shutdown.signal,
    onBatchWritten: options.onBatchWritten,
    onPartitionLag: (batch: Batch) => lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag())),
  });
  const consumer = superviseConsumer({
    topic: settings.topic,
    logger,
    signal: shutdown.signal,
    create: createConsumer,
    start: async (next) => {
      await next.connect();
      await next.subscribe({ topics: [settings.topic], fromBeginning: true });
      await next.run({
        eachBatchAutoResolve: false,
        // commitOffsetsIfNecessary() in the handler then commits as soon as a batch is resolved.
        autoCommitThreshold: 1,
        partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS_CONSUMED_CONCURRENTLY,
        eachBatch,
      });
    },
    ...(options.onFatal ? { onCrash: options.onFatal } : {}),
  });
  logger.info({ brokers: settings.brokers, dlqTopic: settings.dlqTopic }, 'Kafka ingest started');

  let stopping: Promise<void> | undefined;
  return {
    isReady: () => consumer.joined && backpressure.flowing && !shutdown.signal.aborted,
    stop() {
      stopping ??= (async () => {
        shutdown.abort(new Error('Kafka ingest stopping'));
        await consumer.stop();
        await producer.disconnect();
        logger.info('Kafka ingest stopped');
      })();
      return stopping;
    },
  };
}
