import type { ClickHouseClient } from '@clickhouse/client';
import { AlertStore } from './alerts.js';
import { connect, ensureDatabase, type StoreConnection } from './client.js';
import { migrateUp } from './migrator.js';
import { ScopeRegistry } from './scope-registry.js';
import { TransferQueries } from './transfer-queries.js';
import { TransferWriter } from './transfer-writer.js';
import { UsageStore } from './usage.js';

export interface StoreOptions extends StoreConnection {
  /** How far the count checkpoint trails the server clock (see usage.ts). */
  settleMs?: number;
}

/** The monitor's one handle on ClickHouse: every read and write goes through these parts. */
export interface Store {
  client: ClickHouseClient;
  writer: TransferWriter;
  transfers: TransferQueries;
  usage: UsageStore;
  scopes: ScopeRegistry;
  /** Alert state, history and the reads behind the rules (SPEC §5). */
  alerts: AlertStore;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects, creates the database if needed and applies pending migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  await ensureDatabase(options);
  const client = connect(options);
  await migrateUp(client);
  const scopes = new ScopeRegistry(client);
  await scopes.reload();
  return {
    client,
    writer: new TransferWriter(client),
    transfers: new TransferQueries(client),
    usage: new UsageStore(client, { settleMs: options.settleMs ?? 10_000 }),
    scopes,
    alerts: new AlertStore(client),
    async ping() {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
