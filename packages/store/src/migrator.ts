import type { ClickHouseClient } from '@clickhouse/client';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectRows } from './client.js';
import { clusterStatements, clusterTables, isDdl, type ClusterLayout } from './cluster-schema.js';

export interface Migration {
  version: number;
  name: string;
  up: string[];
  down: string[];
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;

/** ClickHouse's HTTP interface runs one statement per request: split a file on its semicolons. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const file of readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    const version = Number(match[1]);
    const migration = byVersion.get(version) ?? { version, name: match[2]!, up: [], down: [] };
    migration[match[3] as 'up' | 'down'] = splitStatements(readFileSync(`${dir}/${file}`, 'utf8'));
    byVersion.set(version, migration);
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(version UInt32, name String, applied Bool, at DateTime64(3, 'UTC') DEFAULT now64(3))
ENGINE = ReplacingMergeTree(at) ORDER BY version`;

/** Where and how migrations run: a single server (default) or a cluster (see cluster-schema.ts). */
export interface MigrationTarget {
  cluster?: ClusterLayout;
  /** Runs one DDL statement; default: on the migrator's client (ON CLUSTER spreads it over the cluster). */
  runDdl?: (statement: string) => Promise<void>;
}

function tablesOf(migrations: readonly Migration[]): Set<string> {
  return clusterTables([LEDGER, ...migrations.flatMap((migration) => [...migration.up, ...migration.down])]);
}

/** The whole schema on a cluster (ledger, then every migration's up statements), as reviewable SQL. */
export function clusterSchemaSql(layout: ClusterLayout, migrations = loadMigrations()): string {
  const tables = tablesOf(migrations);
  return [LEDGER, ...migrations.flatMap((migration) => migration.up)]
    .flatMap((statement) => clusterStatements(statement, layout, tables))
    .map((statement) => `${statement};\n`)
    .join('\n');
}

/** Runs a migration statement as the target needs it: rewritten for the cluster, DDL through `runDdl`. */
function statementRunner(client: ClickHouseClient, migrations: readonly Migration[], target: MigrationTarget) {
  const runDdl = target.runDdl ?? ((query: string) => client.command({ query }).then(() => undefined));
  const cluster = target.cluster;
  const tables = tablesOf(migrations);
  return async (statement: string): Promise<void> => {
    for (const query of cluster ? clusterStatements(statement, cluster, tables) : [statement]) {
      if (isDdl(query)) await runDdl(query);
      else await client.command({ query });
    }
  };
}

export async function appliedVersions(
  client: ClickHouseClient,
  run: (statement: string) => Promise<void> = statementRunner(client, [], {}),
): Promise<number[]> {
  await run(LEDGER);
  const rows = await selectRows<{ version: number }>(client, 'SELECT version FROM schema_migrations FINAL WHERE applied ORDER BY version');
  return rows.map((row) => Number(row.version));
}

async function record(client: ClickHouseClient, migration: Migration, applied: boolean): Promise<void> {
  await client.insert({
    table: 'schema_migrations',
    values: [{ version: migration.version, name: migration.name, applied }],
    format: 'JSONEachRow',
  });
}

/** Applies every pending migration in order; returns the versions applied now. */
export async function migrateUp(client: ClickHouseClient, migrations = loadMigrations(), target: MigrationTarget = {}): Promise<number[]> {
  const run = statementRunner(client, migrations, target);
  const done = new Set(await appliedVersions(client, run));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.up) await run(statement);
    await record(client, migration, true);
    applied.push(migration.version);
  }
  return applied;
}

/** Reverts applied migrations above `targetVersion`, newest first. */
export async function migrateDown(
  client: ClickHouseClient,
  targetVersion: number,
  migrations = loadMigrations(),
  target: MigrationTarget = {},
): Promise<number[]> {
  const run = statementRunner(client, migrations, target);
  const done = new Set(await appliedVersions(client, run));
  const reverted: number[] = [];
  for (const migration of [...migrations].reverse()) {
    if (migration.version <= targetVersion || !done.has(migration.version)) continue;
    for (const statement of migration.down) await run(statement);
    await record(client, migration, false);
    reverted.push(migration.version);
  }
  return reverted;
}
