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

export function chunks<T>(items: readonly T[], size = SCOPES_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
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
