import { baseEnvSchema, optionalString, positiveInt, requiredString, type EnvOf } from '@pi-egress/config';
import { z } from 'zod';
import type { KafkaIngestSettings } from './kafka-ingest.js';

const optionalPositiveInt = positiveInt.optional();

/** Kafka ingest settings, optional here: the all-in-one monitor consumes Kafka only when KAFKA_BROKERS is set. */
export const ingestEnvFields = {
  KAFKA_BROKERS: optionalString,
  KAFKA_CLIENT_ID: z.string().default('pi-egress-monitor'),
  EGRESS_TOPIC: z.string().default('pi.egress.events'),
  EGRESS_DLQ_TOPIC: z.string().default('pi.egress.events.dlq'),
  EGRESS_GROUP_ID: z.string().default('pi-egress-monitor'),
  EGRESS_MAX_MESSAGE_BYTES: positiveInt.default(16 * 1024 * 1024),
  // Consumer tuning knobs (kafkajs defaults when unset).
  KAFKA_SESSION_TIMEOUT_MS: optionalPositiveInt,
  KAFKA_HEARTBEAT_INTERVAL_MS: optionalPositiveInt,
  KAFKA_FETCH_MAX_WAIT_MS: optionalPositiveInt,
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: optionalPositiveInt,
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: optionalPositiveInt,
};

const kafkaSettingsSchema = baseEnvSchema.extend(ingestEnvFields);
export type KafkaEnv = EnvOf<typeof kafkaSettingsSchema>;

/** What the operator tools (replay) need: the brokers. */
export const kafkaToolEnvSchema = kafkaSettingsSchema.extend({ KAFKA_BROKERS: requiredString });

/** The standalone ingest service: a store server, the subject key and the brokers are required. */
export const ingestEnvSchema = kafkaToolEnvSchema.extend({
  CLICKHOUSE_URL: requiredString,
  EGRESS_SUBJECT_KEY: requiredString,
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
export function kafkaSettingsFromEnv(env: KafkaEnv): KafkaIngestSettings {
  if (!env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is required for Kafka ingest');
  return {
    brokers: parseBrokers(env.KAFKA_BROKERS),
    clientId: env.KAFKA_CLIENT_ID,
    topic: env.EGRESS_TOPIC,
    dlqTopic: env.EGRESS_DLQ_TOPIC,
    groupId: env.EGRESS_GROUP_ID,
    maxMessageBytes: env.EGRESS_MAX_MESSAGE_BYTES,
    tuning: {
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
      fetchMaxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS,
      fetchMaxBytesPerPartition: env.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    },
  };
}
