import { baseEnvSchema, optionalString, requiredString, type EnvOf } from '@pi-egress/config';

/** The evaluator's own settings, optional here: the all-in-one monitor composes them with the others. */
export const evaluatorEnvFields = {
  ALERTMANAGER_URL: optionalString,
};

/** The standalone evaluator: a store server is required (it never pseudonymises, so no subject key). */
export const evaluatorEnvSchema = baseEnvSchema.extend(evaluatorEnvFields).extend({ CLICKHOUSE_URL: requiredString });

export type EvaluatorEnv = EnvOf<typeof evaluatorEnvSchema>;
