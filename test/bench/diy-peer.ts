// The do-it-yourself design a ClickHouse user would pick instead of the monitor's counts: a raw
// table of (scope, year, class, pseudonym) rows and `uniqExact` per query. Seeded with the same
// people as the scope measured beside it, in the same run, on the same engine.
import type { ScopeKey, Store } from '@pi-egress/store';
import { timed, timeEach, type Latency } from './stats.js';

export interface DiskUse {
  bytes: number;
  rows: number;
}

export interface DiyPeer {
  seedSeconds: number;
  /** Undefined when the engine could not answer (e.g. its memory cap at 100M pseudonyms): see `error`. */
  latency?: Latency;
  error?: string;
  /** Peak memory of one query, as the engine reports it (X-ClickHouse-Summary memory_usage), the largest seen. */
  peakQueryBytes: number;
  disk: DiskUse;
}

const DATABASE = 'bench_diy';

/** Active parts of `tables` in `database` (an SQL expression, e.g. currentDatabase()). */
export async function diskBytes(store: Store, database: string, tables: readonly string[]): Promise<DiskUse> {
  const result = await store.client.query({
    query: `SELECT sum(bytes_on_disk) AS bytes, sum(rows) AS rows FROM system.parts
            WHERE active AND database = ${database} AND table IN {tables:Array(String)}`,
    query_params: { tables },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ bytes: string; rows: string }>();
  return { bytes: Number(row?.bytes ?? 0), rows: Number(row?.rows ?? 0) };
}

const tableOf = (key: ScopeKey) => `${DATABASE}.raw_${key.scopeId.replace(/\W/g, '_')}`;

/** A raw MergeTree holding the scope's people as the monitor stored them (pseudonyms only). */
export async function seedDiyPeer(store: Store, key: ScopeKey): Promise<number> {
  await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${DATABASE}` });
  await store.client.command({
    query: `CREATE TABLE ${tableOf(key)} (scope_level LowCardinality(String), scope_id String, year UInt16, class LowCardinality(String), pseudonym FixedString(32))
            ENGINE = MergeTree ORDER BY (scope_level, scope_id, year, class)`,
  });
  const seeded = await timed(() =>
    store.client.command({
      query: `INSERT INTO ${tableOf(key)} SELECT toString(scope_level), scope_id, year, toString(class), id_hash FROM subject_first_seen
              WHERE scope_level = {level:String} AND scope_id = {scopeId:String} AND year = {year:UInt16}`,
      query_params: { level: key.level, scopeId: key.scopeId, year: key.year },
      clickhouse_settings: { max_insert_threads: '2' },
    }),
  );
  return seeded.ms / 1000;
}

/** `samples` exact counts of the scope the do-it-yourself way; checks each against `expected`. */
export async function measureDiyPeer(store: Store, key: ScopeKey, expected: number, samples: number, seedSeconds: number): Promise<DiyPeer> {
  let peakQueryBytes = 0;
  try {
    const latency = await timeEach(
      samples,
      async () => {
        const result = await store.client.query({
          query: `SELECT class, uniqExact(pseudonym) AS individuals FROM ${tableOf(key)}
                  WHERE scope_level = {level:String} AND scope_id = {scopeId:String} AND year = {year:UInt16} GROUP BY class`,
          query_params: { level: key.level, scopeId: key.scopeId, year: key.year },
          format: 'JSONEachRow',
        });
        const rows = await result.json<{ class: string; individuals: string }>();
        const counted = Number(rows.find((row) => row.class === 'nonSensitive')?.individuals ?? 0);
        if (counted !== expected) throw new Error(`do-it-yourself count of ${key.scopeId}: ${counted}, expected ${expected}`);
        const summary = JSON.parse(String(result.response_headers['x-clickhouse-summary'] ?? '{}')) as { memory_usage?: string };
        peakQueryBytes = Math.max(peakQueryBytes, Number(summary.memory_usage ?? 0));
      },
      1,
    );
    const disk = await diskBytes(store, `'${DATABASE}'`, [tableOf(key).slice(DATABASE.length + 1)]);
    return { seedSeconds, latency, peakQueryBytes, disk };
  } catch (error) {
    const disk = await diskBytes(store, `'${DATABASE}'`, [tableOf(key).slice(DATABASE.length + 1)]);
    return { seedSeconds, error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : String(error), peakQueryBytes, disk };
  } finally {
    await store.client.command({ query: `DROP TABLE IF EXISTS ${tableOf(key)} SYNC` });
  }
}
