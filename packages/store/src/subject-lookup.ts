import type { ClickHouseClient } from '@clickhouse/client';
import type { DataClass } from '@pi-egress/domain';
import { selectRows } from './client.js';
import { fromClickHouseTime, type ScopeKey } from './scope.js';
import { SCOPE_CONDITION, scopeParams } from './scope-sql.js';

/** Hex pseudonyms per query: keeps the parameter (sent in the URL) well under ClickHouse's 1 MB URI limit. */
const HASHES_PER_QUERY = 5_000;

/** `(scope prefix, id_hash)` is a prefix of the table's primary key: each pseudonym is a point lookup. */
const BY_PSEUDONYMS = `${SCOPE_CONDITION} AND id_hash IN (SELECT unhex(arrayJoin({hashes:Array(String)})))`;

/** Point lookups of persons by pseudonym in subject_first_seen (admission, auditor lookup). */
export class SubjectLookups {
  constructor(private readonly client: ClickHouseClient) {}

  /** The classes in which each of these pseudonyms (lower-case hex) is already counted in the scope-year. */
  async countedClasses(key: ScopeKey, pseudonyms: readonly string[]): Promise<Map<string, DataClass[]>> {
    const chunks: string[][] = [];
    for (let start = 0; start < pseudonyms.length; start += HASHES_PER_QUERY) chunks.push(pseudonyms.slice(start, start + HASHES_PER_QUERY));
    const results = await Promise.all(
      chunks.map((hashes) =>
        selectRows<{ class: DataClass; pseudonym: string }>(
          this.client,
          `SELECT toString(class) AS class, lower(hex(id_hash)) AS pseudonym FROM subject_first_seen
           WHERE ${BY_PSEUDONYMS} GROUP BY class, id_hash`,
          { ...scopeParams(key), hashes },
        ),
      ),
    );
    const counted = new Map<string, DataClass[]>();
    for (const row of results.flat()) counted.set(row.pseudonym, [...(counted.get(row.pseudonym) ?? []), row.class]);
    return counted;
  }

  /** When one pseudonym was first seen in each class of the scope-year (empty: never). */
  async firstSeen(key: ScopeKey, pseudonym: string): Promise<Array<{ class: DataClass; firstSeen: Date }>> {
    const rows = await selectRows<{ class: DataClass; first_seen: string }>(
      this.client,
      `SELECT toString(class) AS class, toString(min(first_seen)) AS first_seen FROM subject_first_seen
       WHERE ${BY_PSEUDONYMS} GROUP BY class ORDER BY class`,
      { ...scopeParams(key), hashes: [pseudonym] },
    );
    return rows.map((row) => ({ class: row.class, firstSeen: fromClickHouseTime(row.first_seen) }));
  }
}
