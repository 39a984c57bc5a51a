import { TupleParam } from '@clickhouse/client';
import type { ScopeKey } from './scope.js';

/**
 * Many scope-years in one query: with thousands of certificates, one query per scope and cycle kept
 * the engine busy for seconds (MEASUREMENTS.md, many-scopes bench). Queries select them with
 * {@link IN_SCOPES}, a set the engine builds once and matches against the tables' primary key (`IN`
 * straight on the array parameter matched nothing in subject_first_seen).
 */
const SCOPE_LEVEL_TYPE = "Enum8('processor' = 1, 'certificate' = 2, 'group' = 3)";
export const SCOPES_TYPE = `Array(Tuple(${SCOPE_LEVEL_TYPE}, String, UInt16))`;

export const IN_SCOPES = `(scope_level, scope_id, year) IN (SELECT arrayJoin({scopes:${SCOPES_TYPE}}))`;

/** Scopes per query: keeps the parameter (sent in the URL) well under the server's limit. */
export const SCOPES_PER_QUERY = 500;

export function scopesParam(keys: readonly ScopeKey[]): TupleParam[] {
  return keys.map((key) => new TupleParam([key.level, key.scopeId, key.year]));
}

/** Scope-years each with a watermark: `(scope_level, scope_id, year, watermark)`. */
export const MARKS_TYPE = `Array(Tuple(${SCOPE_LEVEL_TYPE}, String, UInt16, DateTime64(6, 'UTC')))`;

export function marksParam(marks: ReadonlyArray<{ key: ScopeKey; watermark: string }>): TupleParam[] {
  return marks.map(({ key, watermark }) => new TupleParam([key.level, key.scopeId, key.year, watermark]));
}

/** Enum8 codes of scope_level (migration 0001): the first column of every scope table's key. */
const LEVEL_ORDER: Record<ScopeKey['level'], number> = { processor: 1, certificate: 2, group: 3 };

/**
 * Scope-years in batches of `size`, each batch a contiguous range of the tables' primary key
 * (scope_level, scope_id, year). Unordered batches (scope_activity's GROUP BY order) each touched
 * every granule of subject_first_seen: at 2,000 certificates each of 6 batches read the whole
 * table (many-scopes bench, system.query_log).
 */
export function chunks<T>(items: readonly T[], keyOf: (item: T) => ScopeKey, size = SCOPES_PER_QUERY): T[][] {
  const sorted = [...items].sort((a, b) => compareScopes(keyOf(a), keyOf(b)));
  const out: T[][] = [];
  for (let start = 0; start < sorted.length; start += size) out.push(sorted.slice(start, start + size));
  return out;
}

function compareScopes(a: ScopeKey, b: ScopeKey): number {
  if (a.level !== b.level) return LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level];
  if (a.scopeId !== b.scopeId) return a.scopeId < b.scopeId ? -1 : 1;
  return a.year - b.year;
}

/** A row's scope columns as a key. */
export interface ScopeColumns {
  scope_level: ScopeKey['level'];
  scope_id: string;
  year: number | string;
}

export const keyOfRow = (row: ScopeColumns): ScopeKey => ({ level: row.scope_level, scopeId: row.scope_id, year: Number(row.year) });

/** The earliest of ClickHouse DateTime64 texts (they sort as text). */
export const earliest = (times: readonly string[]): string => [...times].sort()[0]!;
