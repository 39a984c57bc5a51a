import type { ClickHouseClient } from '@clickhouse/client';
import { AlertStore } from './alerts.js';
import { AuditLog } from './audit-log.js';
import { connect, ensureDatabase, type StoreConnection } from './client.js';
import { EvidenceQueries } from './evidence-queries.js';
import { loadMigrations, migrateUp } from './migrator.js';
import { ScopeRebuilds } from './scope-rebuilds.js';
import { ScopeRegistry } from './scope-registry.js';
import { IncidentStore } from './incidents.js';
import { TransferJudgements } from './transfer-judgements.js';
import { SubjectLookups } from './subject-lookup.js';
import { TransferQueries } from './transfer-queries.js';
import { TransferWriter } from './transfer-writer.js';
import { Checkpointer } from './checkpointer.js';
import { CountReader } from './count-reader.js';

export interface StoreOptions extends StoreConnection {
  /** How far the count checkpoint trails the server clock (see usage.ts). */
  settleMs?: number;
  /** false: use an existing, migrated store without any DDL (read-only users, e.g. evidence verification). */
  migrate?: boolean;
  /** Rows since a mark beyond which a scope is counted in full rather than by its tail (bounded-tail.ts). */
  tailRowsLimit?: number;
}

/** The monitor's one handle on ClickHouse: every read and write goes through these parts. */
export interface Store {
  client: ClickHouseClient;
  writer: TransferWriter;
  transfers: TransferQueries;
  /** Exact counts (checkpoint + tail). */
  usage: CountReader;
  /** Advances the count checkpoints; any process may run it. */
  checkpoints: Checkpointer;
  scopes: ScopeRegistry;
  /** Moves counted people when a declaration changes where they count (groups, pending certificates). */
  rebuilds: ScopeRebuilds;
  /** Breaches kept until acknowledged. */
  incidents: IncidentStore;
  /** Re-judging stored transfers against a changed scope. */
  judgements: TransferJudgements;
  /** Alert state, history and the reads behind the rules (SPEC §5). */
  alerts: AlertStore;
  /** Point lookups of persons by pseudonym (admission, auditor lookup). */
  subjects: SubjectLookups;
  /** As-of reads of the evidence pack. */
  evidence: EvidenceQueries;
  /** Admin and auditor actions. */
  audit: AuditLog;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects, creates the database if needed and applies pending migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.migrate !== false) await ensureDatabase(options);
  const client = connect(options);
  if (options.migrate !== false) {
    await migrateUp(client, loadMigrations(), options.cluster ? { cluster: { cluster: options.cluster, database: options.database } } : {});
  }
  const scopes = new ScopeRegistry(client);
  await scopes.reload();
  const writer = new TransferWriter(client, scopes);
  return {
    client,
    writer,
    rebuilds: new ScopeRebuilds(client, scopes, writer),
    incidents: new IncidentStore(client),
    judgements: new TransferJudgements(client),
    transfers: new TransferQueries(client),
    usage: new CountReader(client, options.tailRowsLimit),
    checkpoints: new Checkpointer(client, {
      settleMs: options.settleMs ?? 10_000,
      ...(options.tailRowsLimit === undefined ? {} : { tailRowsLimit: options.tailRowsLimit }),
    }),
    scopes,
    alerts: new AlertStore(client),
    subjects: new SubjectLookups(client),
    evidence: new EvidenceQueries(client, options.settleMs ?? 10_000),
    audit: new AuditLog(client),
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
