import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * Every setting the monitor reads from the environment, validated once at start-up.
 * Defaults give the embedded all-in-one monitor; production overrides them.
 */
export const envSchema = z.object({
  EGRESS_HTTP_HOST: z.string().default('0.0.0.0'),
  EGRESS_HTTP_PORT: port.default(8080),
  EGRESS_DATA_DIR: z.string().default('./data'),
  EGRESS_PUBLIC_URL: optionalString,
  EGRESS_SUBJECT_KEY: optionalString,
  EGRESS_TOKENS: optionalString,
  EGRESS_MAX_BODY_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
  EGRESS_MAX_BATCH_EVENTS: z.coerce.number().int().positive().default(100_000),
  EGRESS_CATEGORIES_FILE: optionalString,
  /** Region of national phone numbers in raw subject ids; part of the pseudonym's normal form. */
  EGRESS_PHONE_REGION: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. CN').default('CN'),
  EGRESS_COUNT_SETTLE_MS: z.coerce.number().int().min(0).default(10_000),
  EGRESS_STORE_UNREACHABLE_LIMIT_MS: z.coerce.number().int().positive().default(60_000),
  CLICKHOUSE_URL: optionalString,
  /** Server settings of the embedded engine over its defaults: `key=value,key=value` (e.g. `max_server_memory_usage=536870912`). */
  EGRESS_ENGINE_SETTINGS: z
    .string()
    .trim()
    .regex(/^([A-Za-z0-9_.]+=[^,=]+(,[A-Za-z0-9_.]+=[^,=]+)*)?$/, 'must be key=value pairs separated by commas, e.g. max_server_memory_usage=536870912')
    .default('')
    .transform((value) => Object.fromEntries(value === '' ? [] : value.split(',').map((pair) => pair.split('=') as [string, string]))),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('pi_egress'),
  CLICKHOUSE_CLUSTER: optionalString,
  KAFKA_BROKERS: optionalString,
  KAFKA_CLIENT_ID: z.string().default('pi-egress-monitor'),
  EGRESS_TOPIC: z.string().default('pi.egress.events'),
  EGRESS_DLQ_TOPIC: z.string().default('pi.egress.events.dlq'),
  EGRESS_GROUP_ID: z.string().default('pi-egress-monitor'),
  EGRESS_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  ALERTMANAGER_URL: optionalString,
  EGRESS_EVAL_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** Base of the alerts' runbook_url (where docs/runbooks is published); default: the bundled files. */
  EGRESS_RUNBOOK_BASE_URL: optionalString,
  /** Ed25519 key (PKCS#8 PEM) signing evidence packs; default <data dir>/secrets/evidence-ed25519.pem, created on first start. */
  EGRESS_EVIDENCE_KEY_FILE: optionalString,
  /** Requests per minute per API token (0: no rate limiting) and per client address without a valid token. */
  EGRESS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  EGRESS_RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Chromium executable printing the PDF report; default: `chromium` (or a Chrome) found on PATH. */
  EGRESS_CHROMIUM_PATH: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment; a bad value stops start-up with one line per offending variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration:\n${lines.join('\n')}`);
}
