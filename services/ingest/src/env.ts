import type { Env } from '@pi-egress/config';
import { z } from 'zod';
import type { KafkaIngestSettings } from './kafka-ingest.js';

const optionalPositiveInt = z.coerce.number().int().positive().optional();

/** Consumer tuning knobs, on top of the shared settings of @pi-egress/config (kafkajs defaults when unset). */
export const kafkaTuningEnvSchema = z.object({
  KAFKA_SESSION_TIMEOUT_MS: optionalPositiveInt,
  KAFKA_HEARTBEAT_INTERVAL_MS: optionalPositiveInt,
  KAFKA_FETCH_MAX_WAIT_MS: optionalPositiveInt,
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: optionalPositiveInt,
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: optionalPositiveInt,
});

/** The brokers list of KAFKA_BROKERS (`host:port,host:port`). */
export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS must list at least one host:port');
  return brokers;
}

/** Kafka ingest settings from the environment; what the all-in-one monitor and `main.ts` both use. */
export function kafkaSettingsFromEnv(env: Env, source: NodeJS.ProcessEnv = process.env): KafkaIngestSettings {
  if (!env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is required for Kafka ingest');
  const parsed = kafkaTuningEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const tuning = parsed.data;
  return {
    brokers: parseBrokers(env.KAFKA_BROKERS),
    clientId: env.KAFKA_CLIENT_ID,
    topic: env.EGRESS_TOPIC,
    dlqTopic: env.EGRESS_DLQ_TOPIC,
    groupId: env.EGRESS_GROUP_ID,
    maxMessageBytes: env.EGRESS_MAX_MESSAGE_BYTES,
    tuning: {
      sessionTimeoutMs: tuning.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: tuning.KAFKA_HEARTBEAT_INTERVAL_MS,
      fetchMaxWaitMs: tuning.KAFKA_FETCH_MAX_WAIT_MS,
      fetchMaxBytesPerPartition: tuning.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: tuning.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    },
  };
}
