import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';

export interface StoreConnection {
  url: string;
  username?: string;
  password?: string;
  database: string;
  /** ClickHouse cluster name: migrations then create replicated + distributed tables. */
  cluster?: string;
  requestTimeoutMs?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Identifiers cannot be query parameters in DDL; they are only ever accepted in this shape. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${what} must be a plain identifier, got ${JSON.stringify(name)}`);
  return name;
}

/** A client on the store's database, or on the server's default one when `withDatabase` is false. */
export function connect(connection: StoreConnection, withDatabase = true): ClickHouseClient {
  return createClient({
    url: connection.url,
    username: connection.username ?? 'default',
    password: connection.password ?? '',
    ...(withDatabase ? { database: connection.database } : {}),
    request_timeout: connection.requestTimeoutMs ?? 120_000,
    max_open_connections: 8,
    // The client would also print every failed query to the console, outside the services' JSON
    // logs; each error reaches its caller, which logs it or expects it (a tail over its limit).
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      date_time_input_format: 'best_effort',
      output_format_json_quote_64bit_integers: 0,
      // Keeps long checkpoint queries alive behind load balancers with idle timeouts.
      send_progress_in_http_headers: 1,
      http_headers_progress_interval_ms: '60000',
      ...(connection.cluster ? CLUSTER_SETTINGS : {}),
    },
  });
}

/**
 * Reads and writes through Distributed tables (cluster mode, see cluster-schema.ts):
 * - an insert returns once every shard has its rows (the default queues them for a background
 *   send: a count or a duplicate check right after would miss them);
 * - IN/JOIN subqueries on Distributed tables run once and their result goes to every shard;
 * - a replica lagging more than 5 s (less than the count settle time) is not read from, so a
 *   checkpoint never misses rows acknowledged before its watermark.
 */
const CLUSTER_SETTINGS: ClickHouseSettings = {
  distributed_foreground_insert: 1,
  distributed_product_mode: 'global',
  max_replica_delay_for_distributed_queries: '5',
  fallback_to_stale_replicas_for_distributed_queries: 0,
};

/** Creates the database when missing (on a fresh embedded engine or a new server). */
export async function ensureDatabase(connection: StoreConnection): Promise<void> {
  const admin = connect(connection, false);
  try {
    const database = assertIdentifier(connection.database, 'CLICKHOUSE_DATABASE');
    const onCluster = connection.cluster ? ` ON CLUSTER ${assertIdentifier(connection.cluster, 'CLICKHOUSE_CLUSTER')}` : '';
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${onCluster}` });
  } finally {
    await admin.close();
  }
}

/** Rows of a SELECT as typed objects; every value is passed as a query parameter. */
export async function selectRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
  settings?: ClickHouseSettings,
): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow', ...(settings ? { clickhouse_settings: settings } : {}) });
  return result.json<T>();
}
