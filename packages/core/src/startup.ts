import { CategoryCatalogue } from '@pi-egress/domain';
import { openStore, type Store, type StoreOptions } from '@pi-egress/store';
import { readFileSync } from 'node:fs';

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

/** Opens the store, retrying while a just-started or restarting engine does not answer yet. */
export async function openStoreWhenReady(
  options: StoreOptions,
  { timeoutMs = 60_000, onRetry }: { timeoutMs?: number; onRetry?: (error: unknown) => void } = {},
): Promise<Store> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await openStore(options);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** The default catalogue, extended by EGRESS_CATEGORIES_FILE when given. */
export function loadCatalogue(file: string | undefined): CategoryCatalogue {
  return file ? CategoryCatalogue.fromJson(readFileSync(file, 'utf8')) : new CategoryCatalogue();
}
