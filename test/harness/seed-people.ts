import type { Store } from '@pi-egress/store';

/**
 * Seeds `count` distinct people straight into the subject table, server-side (1,000,000 rows in
 * about a second, where ingesting them would take far longer). Test-only: production rows come
 * from the writer. Person n is the same person at every scope.
 */
export async function seedPeople(store: Store, scope: { level: 'processor' | 'group'; id: string; dataClass: string }, from: number, count: number) {
  await store.client.command({
    query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
            SELECT {level:String}, {id:String}, 2026, {dataClass:String}, SHA256(toString(number)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
            FROM numbers({from:UInt64}, {count:UInt64})`,
    query_params: { level: scope.level, id: scope.id, dataClass: scope.dataClass, from, count },
  });
}
