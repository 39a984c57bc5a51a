// What the engine spent its time on (system.query_log): the profile of the ClickHouse side.
import type { Store } from '@pi-egress/store';

export interface QueryCost {
  /** The query with its literals replaced (normalizeQuery), cut to 160 characters. */
  query: string;
  calls: number;
  totalMs: number;
  /** CPU time the engine's threads spent on them (ProfileEvents OSCPUVirtualTimeMicroseconds): what a busy machine does not inflate. */
  cpuMs: number;
  readRows: number;
}

/** The queries of `database` finished since `since`, costliest first (total duration). */
export async function topQueries(store: Store, database: string, since: Date, limit = 6): Promise<QueryCost[]> {
  await store.client.command({ query: 'SYSTEM FLUSH LOGS' });
  const result = await store.client.query({
    query: `SELECT substring(replaceRegexpAll(normalizeQuery(any(query)), '\\\\s+', ' '), 1, 160) AS query, count() AS calls,
                   sum(query_duration_ms) AS total_ms,
                   sum(ProfileEvents['OSCPUVirtualTimeMicroseconds']) / 1000 AS cpu_ms, sum(read_rows) AS read_rows
            FROM system.query_log
            WHERE type = 'QueryFinish' AND current_database = {database:String} AND event_time_microseconds >= {since:DateTime64(6)}
            GROUP BY normalized_query_hash ORDER BY total_ms DESC LIMIT {limit:UInt32}`,
    query_params: { database, since: since.getTime() / 1000, limit },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ query: string; calls: string; total_ms: string; cpu_ms: string; read_rows: string }>();
  return rows.map((row) => ({
    query: row.query,
    calls: Number(row.calls),
    totalMs: Number(row.total_ms),
    cpuMs: Number(row.cpu_ms),
    readRows: Number(row.read_rows),
  }));
}

/** What the engine spent on each of `reads` reads: every query of the window, per read. */
export function perRead(queries: readonly QueryCost[], reads: number): string {
  const total = queries.reduce((sum, q) => sum + q.totalMs, 0);
  const calls = queries.reduce((sum, q) => sum + q.calls, 0);
  const top = queries
    .slice(0, 4)
    .map((q) => `${(q.calls / reads).toFixed(1)} × “${q.query.slice(0, 70)}…” ${(q.totalMs / reads).toFixed(1)} ms`)
    .join('; ');
  return `${(calls / reads).toFixed(1)} queries and ${(total / reads).toFixed(1)} ms of engine time a read (${top})`;
}
