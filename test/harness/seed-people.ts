import type { Store } from '@pi-egress/store';

export interface SeedOptions {
  /** Person n of one scope is another person than person n of another (default: the same person everywhere). */
  distinctPerScope?: boolean;
  /** First-seen time of every seeded person (default 2026-06-01 00:00 UTC). */
  firstSeen?: string;
}

/**
 * Seeds `count` distinct people straight into the subject table, server-side (1,000,000 rows in
 * about a second, where ingesting them would take far longer). Test-only: production rows come
 * from the writer.
 */
export async function seedPeople(
  store: Store,
  scope: { level: 'processor' | 'group'; id: string; dataClass?: string },
  from: number,
  count: number,
  options: SeedOptions = {},
) {
  await store.client.command({
    query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
            SELECT {level:String}, {id:String}, 2026, {dataClass:String}, SHA256(concat({prefix:String}, toString(number))),
                   toDateTime64({firstSeen:String}, 3, 'UTC')
            FROM numbers({from:UInt64}, {count:UInt64})`,
    query_params: {
      level: scope.level,
      id: scope.id,
      dataClass: scope.dataClass ?? 'nonSensitive',
      prefix: options.distinctPerScope ? scope.id : '',
      firstSeen: options.firstSeen ?? '2026-06-01 00:00:00',
      from,
      count,
    },
  });
}
