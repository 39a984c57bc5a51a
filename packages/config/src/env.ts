import { existsSync } from 'node:fs';
import { z } from 'zod';

/** A TCP port number (0: any free port). */
export const port = z.coerce.number().int().min(0).max(65_535);
/** A positive whole number (counts, sizes, milliseconds). */
export const positiveInt = z.coerce.number().int().positive();
/** Unset and empty are the same: undefined. */
export const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
/** A variable a service cannot start without; empty counts as missing. */
export const requiredString = z.string({ error: 'is required' }).trim().min(1, 'is required');

/**
 * The settings every process reads from the environment: HTTP listener, log level, the store and
 * how counts settle, the category catalogue and the phone region of the pseudonym's normal form.
 * Each service extends it with its own (services/<x>/src/env.ts); a service that needs a variable
 * makes it required there, so a missing one stops start-up before anything runs.
 */
export const baseEnvSchema = z.object({
  EGRESS_HTTP_HOST: z.string().default('0.0.0.0'),
  EGRESS_HTTP_PORT: port.default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLICKHOUSE_URL: optionalString,
  /** Server settings of the embedded engine over its defaults: `key=value,key=value` (e.g. `max_server_memory_usage=536870912`). */
  EGRESS_ENGINE_SETTINGS: z
    .string()
    .trim()
    .regex(
      /^([A-Za-z0-9_.]+=[^,=]+(,[A-Za-z0-9_.]+=[^,=]+)*)?$/,
      'must be key=value pairs separated by commas, e.g. max_server_memory_usage=536870912',
    )
    .default('')
    .transform((value) => Object.fromEntries(value === '' ? [] : value.split(',').map((pair) => pair.split('=') as [string, string]))),
  /** An extra ClickHouse configuration file for the embedded engine (e.g. one that turns on `system.query_log`). */
  EGRESS_ENGINE_CONFIG_FILE: optionalString.refine((file) => file === undefined || existsSync(file), 'no such file'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('pi_egress'),
  CLICKHOUSE_CLUSTER: optionalString,
  EGRESS_COUNT_SETTLE_MS: z.coerce.number().int().min(0).default(10_000),
  /** The store unreachable for longer than this: /healthz answers 503, and a service still starting gives up (exit 1). */
  EGRESS_STORE_UNREACHABLE_LIMIT_MS: positiveInt.default(60_000),
  EGRESS_SUBJECT_KEY: optionalString,
  EGRESS_CATEGORIES_FILE: optionalString,
  /** Region of national phone numbers in raw subject ids; part of the pseudonym's normal form. */
  EGRESS_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. CN')
    .default('CN'),
  /** How often the evaluator evaluates and a writer advances the count checkpoints. */
  EGRESS_EVAL_INTERVAL_MS: positiveInt.default(5_000),
  EGRESS_PUBLIC_URL: optionalString,
  /** Base of the alerts' runbook_url (where docs/runbooks is published); default: the bundled files. */
  EGRESS_RUNBOOK_BASE_URL: optionalString,
});

/** The parsed settings of a schema (for services that do not import zod themselves). */
export type EnvOf<Schema extends z.ZodType> = z.infer<Schema>;
export type BaseEnv = EnvOf<typeof baseEnvSchema>;

/** A configuration the process cannot start with; its message is one line naming every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `source` with a service's schema; throws a ConfigError naming each missing or invalid variable. */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, source: NodeJS.ProcessEnv = process.env): z.infer<Schema> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}${issue.message.startsWith('is ') ? ' ' : ': '}${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** A zod schema whose parsed value is `Env` (what runService is given). */
export type EnvSchema<Env> = z.ZodType<Env>;
