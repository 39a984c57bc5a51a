import type { ClickHouseClient } from '@clickhouse/client';
import type { DataClass } from '@pi-egress/domain';
import { selectRows } from './client.js';
import { fromClickHouseTime, type ScopeKey } from './scope.js';
import { SCOPE_CONDITION, scopeParams } from './scope-sql.js';

/** Hex pseudonyms per query: keeps the parameter (sent in the URL) well under ClickHouse's 1 MB URI limit. */
const HASHES_PER_QUERY = 5_000;

/**
 * Point lookups of persons by pseudonym in subject_first_seen (admission, auditor lookup):
 * `(scope prefix, id_hash)` is a prefix of the table's primary key.
 */
export class SubjectLookups {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * For each scope (all of one year), the classes in which each of these pseudonyms (lower-case
   * hex) is already counted there: one query for all scopes, a point lookup per pseudonym.
   */
  async countedClasses(keys: readonly ScopeKey[], pseudonyms: readonly string[]): Promise<Array<Map<string, DataClass[]>>> {
    const year = keys[0]?.year;
    if (keys.some((key) => key.year !== year)) throw new Error('countedClasses: all scopes must be of one year');
    const chunks: string[][] = [];
    for (let start = 0; start < pseudonyms.length; start += HASHES_PER_QUERY) chunks.push(pseudonyms.slice(start, start + HASHES_PER_QUERY));
    const results = await Promise.all(
      chunks.map((hashes) =>
        selectRows<{ level: ScopeKey['level']; scope_id: string; class: DataClass; pseudonym: string }>(
          this.client,
          `SELECT toString(scope_level) AS level, scope_id, toString(class) AS class, lower(hex(id_hash)) AS pseudonym
           FROM subject_first_seen
           WHERE (scope_level, scope_id) IN (SELECT arrayJoin(arrayZip({levels:Array(String)}, {ids:Array(String)})))
             AND year = {year:UInt16} AND id_hash IN (SELECT unhex(arrayJoin({hashes:Array(String)})))
           GROUP BY scope_level, scope_id, class, id_hash`,
          { levels: keys.map((k) => k.level), ids: keys.map((k) => k.scopeId), year, hashes },
        ),
      ),
    );
    const counted = keys.map(() => new Map<string, DataClass[]>());
    for (const row of results.flat()) {
      const map = counted[keys.findIndex((k) => k.level === row.level && k.scopeId === row.scope_id)];
      map?.set(row.pseudonym, [...(map.get(row.pseudonym) ?? []), row.class]);
    }
    return counted;
  }

  /** When one pseudonym was first seen in each class of the scope-year (empty: never). */
  async firstSeen(key: ScopeKey, pseudonym: string): Promise<Array<{ class: DataClass; firstSeen: Date }>> {
    const rows = await selectRows<{ class: DataClass; first_seen: string }>(
      this.client,
      `SELECT toString(class) AS class, toString(min(first_seen)) AS first_seen FROM subject_first_seen
       WHERE ${SCOPE_CONDITION} AND id_hash = unhex({pseudonym:String}) GROUP BY class ORDER BY class`,
      { ...scopeParams(key), pseudonym },
    );
    return rows.map((row) => ({ class: row.class, firstSeen: fromClickHouseTime(row.first_seen) }));
  }
}
