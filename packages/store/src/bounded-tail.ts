import { ClickHouseError, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { selectRows } from './client.js';
import { scopeIdOf } from './count-rows.js';
import type { ClassCounts, ScopeKey } from './scope.js';
import { earliest, IN_SCOPES, keyOfRow, scopesParam, type ScopeColumns } from './scope-batch.js';

/**
 * A tail (the persons written since a mark, found by the inserted_at index and checked by primary key) is
 * cheap while it is small. A large one — a bulk load, the first read after a burst — puts every
 * pseudonym of it in an in-memory set and then groups the year's table by them: 10,000,000 people
 * written at once took minutes and gigabytes (usage bench at 10M), where counting the scope in full
 * takes about a second in constant memory. So a tail query may build a set of at most this many
 * rows; beyond it the engine stops it at once and the caller counts in full instead.
 */
export const DEFAULT_TAIL_ROWS_LIMIT = 500_000;

/**
 * Counting a scope in full reads its year's rows about 16 times faster per row than a tail looks
 * its own rows up (Kafka ingest bench, query_log: ~2.6 µs per tail row in a 350,000-row set, ~0.14
 * µs per row of a FINAL count over 1M). So once a tail is more than a sixteenth of what the scope
 * has counted, the full count is the cheaper way; below 10,000 rows either is quick.
 */
const FULL_COUNT_ADVANTAGE = 16;
const MIN_TAIL_ROWS = 10_000;

/**
 * The set limit for a tail query over scopes whose checkpoints counted `counted` (unknown: `max`,
 * the memory bound alone): the tail size beyond which a full count is cheaper, within `max`.
 */
export function tailRowsLimitFor(counted: readonly ClassCounts[] | undefined, max: number): number {
  if (counted === undefined) return max;
  const people = counted.reduce((sum, counts) => sum + counts.nonSensitive + counts.sensitive, 0);
  return Math.min(max, Math.max(MIN_TAIL_ROWS, Math.ceil(people / FULL_COUNT_ADVANTAGE)));
}

/** Settings that make a tail query fail fast (code 191) rather than build a set over `limit` rows. */
export const boundedTail = (limit: number): ClickHouseSettings => ({ max_rows_in_set: String(limit), set_overflow_mode: 'throw' });

/** The tail query stopped at its set limit ({@link boundedTail}). */
export function isTailOverLimit(error: unknown): boolean {
  return error instanceof ClickHouseError && error.code === '191'; // SET_SIZE_LIMIT_EXCEEDED
}

export interface ScopeMark {
  key: ScopeKey;
  watermark: string;
  /** What its checkpoint counted, when known (sets the tail limit: {@link tailRowsLimitFor}). */
  counted?: ClassCounts;
}

/** The tail limit for these scopes: known counts make it adaptive, else `max`. */
export function tailRowsLimitOf(marks: readonly ScopeMark[], max: number): number {
  const counted = marks.map((mark) => mark.counted);
  return tailRowsLimitFor(counted.every((counts) => counts !== undefined) ? (counted as ClassCounts[]) : undefined, max);
}

/**
 * Runs a batched tail query (`run`, with {@link boundedTail} settings) over `marks`: all at once, or,
 * when their tails together are over `limit`, in groups that fit. Returns the scopes whose own tail
 * does not fit, for the caller to count in full; `run` has run for every other scope. (`run` must
 * write nothing before its query: a query stopped at its limit is retried on smaller groups.)
 */
export async function inTailBatches(
  client: ClickHouseClient,
  marks: readonly ScopeMark[],
  limit: number,
  run: (group: readonly ScopeMark[]) => Promise<void>,
  until?: string,
): Promise<ScopeKey[]> {
  const fits = async (group: readonly ScopeMark[]) => {
    try {
      await run(group);
      return true;
    } catch (error) {
      if (!isTailOverLimit(error)) throw error;
      return false;
    }
  };
  if (await fits(marks)) return [];
  const { groups, oversized } = await splitByTailSize(client, marks, limit, until);
  for (const group of groups) if (!(await fits(group))) oversized.push(...group.map((mark) => mark.key));
  return oversized;
}

/**
 * After a batched tail query hit its limit: the scopes regrouped so that each group's rows since
 * their marks fit under `limit` together, and the scopes whose own rows do not (to count in full).
 * Reads only the key columns of the rows since the earliest mark (up to `until`, when given).
 */
async function splitByTailSize(
  client: ClickHouseClient,
  marks: readonly ScopeMark[],
  limit: number,
  until?: string,
): Promise<{ groups: ScopeMark[][]; oversized: ScopeKey[] }> {
  const rows = await selectRows<ScopeColumns & { recent: number | string }>(
    client,
    `SELECT toString(scope_level) AS scope_level, scope_id, year, count() AS recent FROM subject_first_seen
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
