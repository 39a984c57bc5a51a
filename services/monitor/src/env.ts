import { apiEnvFields } from '@pi-egress/api';
import { baseEnvSchema, type EnvOf } from '@pi-egress/config';
import { evaluatorEnvFields } from '@pi-egress/evaluator';
import { ingestEnvFields } from '@pi-egress/ingest';
import { z } from 'zod';

/**
 * The all-in-one monitor: every service's settings, none required. Defaults give the embedded
 * engine (CLICKHOUSE_URL unset) and secrets generated into EGRESS_DATA_DIR; Kafka ingest runs when
 * KAFKA_BROKERS is set.
 */
export const monitorEnvSchema = baseEnvSchema.extend({
  ...apiEnvFields,
  ...evaluatorEnvFields,
  ...ingestEnvFields,
  EGRESS_DATA_DIR: z.string().default('./data'),
});

export type MonitorEnv = EnvOf<typeof monitorEnvSchema>;
