import type { ClickHouseClient } from '@clickhouse/client';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectRows } from './client.js';

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

export async function appliedVersions(client: ClickHouseClient): Promise<number[]> {
  await client.command({ query: LEDGER });
  const rows = await selectRows<{ version: number }>(
    client,
    'SELECT version FROM schema_migrations FINAL WHERE applied ORDER BY version',
  );
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
export async function migrateUp(client: ClickHouseClient, migrations = loadMigrations()): Promise<number[]> {
  const done = new Set(await appliedVersions(client));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.up) await client.command({ query: statement });
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
): Promise<number[]> {
  const done = new Set(await appliedVersions(client));
  const reverted: number[] = [];
  for (const migration of [...migrations].reverse()) {
    if (migration.version <= targetVersion || !done.has(migration.version)) continue;
    for (const statement of migration.down) await client.command({ query: statement });
    await record(client, migration, false);
    reverted.push(migration.version);
  }
  return reverted;
}
