import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openStore, type Store, type StoreOptions } from '@pi-egress/store';

/** URL of the real ClickHouse engine started once for the run by global-setup.ts. */
export function clickhouseUrl(): string {
  return process.env.TEST_CLICKHOUSE_URL ?? inject('clickhouseUrl');
}

/** A store on a database of its own, so test files never see each other's rows. */
export async function openTestStore(options: Partial<StoreOptions> = {}): Promise<Store & { database: string }> {
  const database = `test_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: clickhouseUrl(), database, settleMs: 0, ...options });
  return Object.assign(store, { database });
}
