import type { Logger } from '@pi-egress/config';
import type { IngestReport, Metrics, MonitorContext } from '@pi-egress/core';
import { Kafka, logLevel, Partitioners, type Batch } from 'kafkajs';
import { Gauge } from 'prom-client';
import { Backpressure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backpressure.js';
import { createBatchHandler } from './batch-handler.js';
import { kafkaLogCreator } from './kafka-logging.js';

/** Consumer tuning; kafkajs' defaults where not given. */
export interface KafkaConsumerTuning {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** How long a fetch waits for data on an idle partition. */
  fetchMaxWaitMs?: number;
  fetchMaxBytesPerPartition?: number;
  /** Batches of different partitions in flight at once (writes stay serialised per process). */
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
  /** kafkajs gave up (it will not restart the consumer): the process should exit and be restarted. */
  onFatal?: (error: Error) => void;
}

export interface KafkaIngest {
  /** Stops fetching, abandons the batch in flight without committing it, leaves the group. */
  stop(): Promise<void>;
  /** In the group with partitions assigned, and the store answering. */
  isReady(): boolean;
}

const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

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
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    allowAutoTopicCreation: false,
    heartbeatInterval: heartbeatIntervalMs,
    ...(tuning.sessionTimeoutMs ? { sessionTimeout: tuning.sessionTimeoutMs } : {}),
    ...(tuning.rebalanceTimeoutMs ? { rebalanceTimeout: tuning.rebalanceTimeoutMs } : {}),
    ...(tuning.fetchMaxWaitMs ? { maxWaitTimeInMs: tuning.fetchMaxWaitMs } : {}),
    ...(tuning.fetchMaxBytesPerPartition ? { maxBytesPerPartition: tuning.fetchMaxBytesPerPartition } : {}),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const topics = [{ topic: settings.topic }];
  const backpressure = new Backpressure(
    { pause: () => consumer.pause(topics), resume: () => consumer.resume(topics) },
    logger,
    metrics,
    tuning.storeRetry ?? DEFAULT_RETRY_POLICY,
  );
  const shutdown = new AbortController();
  const lag = consumerLagGauge(metrics);
  let joined = false;
  let fatal = false;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    logger.info({ memberId: payload.memberId, partitions: payload.memberAssignment[settings.topic] ?? [] }, 'joined the consumer group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    logger.error({ err: payload.error, restart: payload.restart }, 'Kafka consumer crashed');
    if (!payload.restart && !shutdown.signal.aborted) {
      fatal = true;
      options.onFatal?.(payload.error);
    }
  });

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [settings.topic], fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    // commitOffsetsIfNecessary() in the handler then commits as soon as a batch is resolved.
    autoCommitThreshold: 1,
    partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently ?? 1,
    eachBatch: createBatchHandler({
      ctx,
      metrics,
      logger,
      producer,
      backpressure,
      dlqTopic: settings.dlqTopic,
      maxMessageBytes: settings.maxMessageBytes,
      heartbeatIntervalMs,
      shutdown: shutdown.signal,
      onBatchWritten: options.onBatchWritten,
      onPartitionLag: (batch: Batch) => lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag())),
    }),
  });
  logger.info({ brokers: settings.brokers, dlqTopic: settings.dlqTopic }, 'Kafka ingest started');

  let stopping: Promise<void> | undefined;
  return {
    isReady: () => joined && !fatal && backpressure.flowing && !shutdown.signal.aborted,
    stop() {
      stopping ??= (async () => {
        shutdown.abort(new Error('Kafka ingest stopping'));
        joined = false;
        await consumer.disconnect();
        await producer.disconnect();
        logger.info('Kafka ingest stopped');
      })();
      return stopping;
    },
  };
}
