import { baseEnvSchema, optionalString, positiveInt, requiredString } from '@pi-egress/config';
import { z } from 'zod';
import type { ApiOptions } from './options.js';
import { DEFAULT_MAX_BATCH_EVENTS } from './options.js';

/** The API's own settings, optional here: the all-in-one monitor composes them with the others. */
export const apiEnvFields = {
  EGRESS_TOKENS: optionalString,
  EGRESS_MAX_BODY_BYTES: positiveInt.default(32 * 1024 * 1024),
  EGRESS_MAX_BATCH_EVENTS: positiveInt.default(DEFAULT_MAX_BATCH_EVENTS),
  /** Ed25519 key (PKCS#8 PEM) signing evidence packs; the monitor's default is <data dir>/secrets/evidence-ed25519.pem, created on first start. */
  EGRESS_EVIDENCE_KEY_FILE: optionalString,
  /** Requests per minute per API token (0: no rate limiting) and per client address without a valid token. */
  EGRESS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  EGRESS_RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Chromium executable printing the PDF report; default: `chromium` (or a Chrome) found on PATH. */
  EGRESS_CHROMIUM_PATH: optionalString,
};

/** The standalone API service: a store server, the subject key, the tokens and the evidence key are required. */
export const apiEnvSchema = baseEnvSchema.extend(apiEnvFields).extend({
  CLICKHOUSE_URL: requiredString,
  EGRESS_SUBJECT_KEY: requiredString,
  EGRESS_TOKENS: requiredString,
  EGRESS_EVIDENCE_KEY_FILE: requiredString,
});

const apiSettingsSchema = baseEnvSchema.extend(apiEnvFields);
export type ApiEnv = z.infer<typeof apiSettingsSchema>;

/** The API options that come from the environment alone (the standalone API and the monitor both use them). */
export function apiOptionsFromEnv(
  env: ApiEnv,
): Pick<ApiOptions, 'maxBodyBytes' | 'maxBatchEvents' | 'publicUrl' | 'runbookBaseUrl' | 'storeUnreachableLimitMs' | 'chromiumPath' | 'rateLimit'> {
  return {
    maxBodyBytes: env.EGRESS_MAX_BODY_BYTES,
    maxBatchEvents: env.EGRESS_MAX_BATCH_EVENTS,
    publicUrl: env.EGRESS_PUBLIC_URL,
    runbookBaseUrl: env.EGRESS_RUNBOOK_BASE_URL ?? (env.EGRESS_PUBLIC_URL ? `${env.EGRESS_PUBLIC_URL.replace(/\/+$/, '')}/runbooks` : undefined),
    storeUnreachableLimitMs: env.EGRESS_STORE_UNREACHABLE_LIMIT_MS,
    ...(env.EGRESS_CHROMIUM_PATH ? { chromiumPath: env.EGRESS_CHROMIUM_PATH } : {}),
    rateLimit: { perTokenPerMinute: env.EGRESS_RATE_LIMIT_PER_MINUTE, anonymousPerMinute: env.EGRESS_RATE_LIMIT_ANONYMOUS_PER_MINUTE },
  };
}
