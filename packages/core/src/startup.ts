import type { BaseEnv, Logger } from '@pi-egress/config';
import { CategoryCatalogue, phoneRegion } from '@pi-egress/domain';
import type { MonitorContext } from './context.js';
import { openStore, type Store, type StoreOptions } from '@pi-egress/store';
import { readFileSync } from 'node:fs';
import pRetry from 'p-retry';

/** The environment settings (SPEC names) a service needs to reach the store. */
export interface StoreEnv {
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_CLUSTER?: string | undefined;
  EGRESS_COUNT_SETTLE_MS: number;
}

export function storeOptionsFromEnv(env: StoreEnv, url: string): StoreOptions {
  return {
    url,
    username: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    database: env.CLICKHOUSE_DATABASE,
    settleMs: env.EGRESS_COUNT_SETTLE_MS,
    ...(env.CLICKHOUSE_CLUSTER ? { cluster: env.CLICKHOUSE_CLUSTER } : {}),
  };
}

/** How long a service waits for the store at start-up unless told otherwise (EGRESS_STORE_UNREACHABLE_LIMIT_MS's default). */
export const DEFAULT_STORE_OPEN_TIMEOUT_MS = 60_000;

/**
 * Opens the store, retrying (backoff 0.5 s doubling to 5 s) while a just-started or restarting
 * engine does not answer yet; gives up with the last error after `timeoutMs`, or when `signal` aborts.
 */
export async function openStoreWhenReady(
  options: StoreOptions,
  {
    timeoutMs = DEFAULT_STORE_OPEN_TIMEOUT_MS,
    onRetry,
    signal,
  }: { timeoutMs?: number; onRetry?: (error: unknown) => void; signal?: AbortSignal } = {},
): Promise<Store> {
  return pRetry(() => openStore(options), {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 500,
    maxTimeout: 5_000,
    maxRetryTime: timeoutMs,
    signal,
    onFailedAttempt: ({ error }) => onRetry?.(error),
  });
}

/** What every service does to reach its store: the env's connection, waiting up to EGRESS_STORE_UNREACHABLE_LIMIT_MS, each retry logged. */
export function openStoreFromEnv(
  env: StoreEnv & { EGRESS_STORE_UNREACHABLE_LIMIT_MS: number },
  url: string,
  logger: Logger,
  signal?: AbortSignal,
): Promise<Store> {
  return openStoreWhenReady(storeOptionsFromEnv(env, url), {
    timeoutMs: env.EGRESS_STORE_UNREACHABLE_LIMIT_MS,
    onRetry: (error) => logger.warn({ err: error }, 'ClickHouse not reachable yet, retrying'),
    ...(signal ? { signal } : {}),
  });
}

/** The default catalogue, extended by EGRESS_CATEGORIES_FILE when given. */
export function loadCatalogue(file: string | undefined): CategoryCatalogue {
  return file ? CategoryCatalogue.fromJson(readFileSync(file, 'utf8')) : new CategoryCatalogue();
}

/**
 * A standalone service's context: its store, the catalogue, subject key and phone region of its
 * environment, the wall clock. A service without EGRESS_SUBJECT_KEY (the evaluator, which reads
 * counts, not subjects) never pseudonymises.
 */
export function contextFromEnv(
  store: Store,
  env: Pick<BaseEnv, 'EGRESS_CATEGORIES_FILE' | 'EGRESS_SUBJECT_KEY' | 'EGRESS_PHONE_REGION'>,
): MonitorContext {
  return {
    store,
    catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE),
    subjectKey: env.EGRESS_SUBJECT_KEY ?? '',
    phoneRegion: phoneRegion(env.EGRESS_PHONE_REGION),
    now: () => new Date(),
  };
}
