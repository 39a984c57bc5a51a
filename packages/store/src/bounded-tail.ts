import { ClickHouseError, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { selectRows } from './client.js';
import { scopeIdOf } from './count-rows.js';
import type { ScopeKey } from './scope.js';
import { earliest, IN_SCOPES, keyOfRow, scopesParam, type ScopeColumns } from './scope-batch.js';

/**
 * A tail (the persons written since a mark, looked up through subject_recent by primary key) is
 * cheap while it is small. A large one — a bulk load, the first read after a burst — puts every
 * pseudonym of it in an in-memory set and then groups the year's table by them: 10,000,000 people
 * written at once took minutes and gigabytes (usage bench at 10M), where counting the scope in full
 * takes about a second in constant memory. So a tail query may build a set of at most this many
 * rows; beyond it the engine stops it at once and the caller counts in full instead.
 */
export const DEFAULT_TAIL_ROWS_LIMIT = 500_000;

/** Settings that make a tail query fail fast (code 191) rather than build a set over `limit` rows. */
export const boundedTail = (limit: number): ClickHouseSettings => ({ max_rows_in_set: String(limit), set_overflow_mode: 'throw' });

/** The tail query stopped at its set limit ({@link boundedTail}). */
export function isTailOverLimit(error: unknown): boolean {
  return error instanceof ClickHouseError && error.code === '191'; // SET_SIZE_LIMIT_EXCEEDED
}

export interface ScopeMark {
  key: ScopeKey;
  watermark: string;
}

/**
 * After a batched tail query hit its limit: the scopes regrouped so that each group's rows since
 * their marks fit under `limit` together, and the scopes whose own rows do not (to count in full).
 * Reads only the key columns of subject_recent since the earliest mark (up to `until`, when given).
 */
export async function splitByTailSize(
  client: ClickHouseClient,
  marks: readonly ScopeMark[],
  limit: number,
  until?: string,
): Promise<{ groups: ScopeMark[][]; oversized: ScopeKey[] }> {
  const rows = await selectRows<ScopeColumns & { recent: number | string }>(
    client,
    `SELECT toString(scope_level) AS scope_level, scope_id, year, count() AS recent FROM subject_recent
     WHERE ${IN_SCOPES} AND inserted_at > {from:DateTime64(6, 'UTC')}
       AND inserted_at <= ifNull({until:Nullable(DateTime64(6, 'UTC'))}, now64(6))
     GROUP BY scope_level, scope_id, year`,
    { scopes: scopesParam(marks.map((mark) => mark.key)), from: earliest(marks.map((mark) => mark.watermark)), until: until ?? null },
  );
  const recent = new Map(rows.map((row) => [scopeIdOf(keyOfRow(row)), Number(row.recent)]));
  const groups: ScopeMark[][] = [];
  const oversized: ScopeKey[] = [];
  let group: ScopeMark[] = [];
  let size = 0;
  // Half the limit per group: rows keep arriving between this count and the group's own query.
  for (const mark of marks) {
    const rowsOfScope = recent.get(scopeIdOf(mark.key)) ?? 0;
    if (rowsOfScope > limit / 2) {
      oversized.push(mark.key);
      continue;
    }
    if (size + rowsOfScope > limit / 2 && group.length > 0) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(mark);
    size += rowsOfScope;
  }
  if (group.length > 0) groups.push(group);
  return { groups, oversized };
}
