import type { ScopeKey } from '@pi-egress/domain';

/** The condition selecting one scope-year of subject_first_seen; params from {@link scopeParams}. */
export const SCOPE_CONDITION = 'scope_level = {level:String} AND scope_id = {scopeId:String} AND year = {year:UInt16}';

export function scopeParams(key: ScopeKey): { level: string; scopeId: string; year: number } {
  return { level: key.level, scopeId: key.scopeId, year: key.year };
}

const IN_FLIGHT_BASE = `SELECT ifNull(minOrNull(now64(6) - toIntervalMicrosecond(toUInt64(elapsed * 1e6) + 1000000)), now64(6)) AS in_flight_floor
  FROM system.processes
  WHERE query_kind = 'Insert' AND current_database = currentDatabase()`;

/**
 * An instant no insert into the named tables still running on this server (in this database)
 * started before: a watermark or as-of time never passes it. `inserted_at` is `now64()` at the
 * start of an insert (one value for the whole INSERT), but its rows become visible block by block
 * up to its end: an insert that outlasts the settle time would otherwise have rows at or before the
 * watermark that a checkpoint did not see and the tail never looks at. One second of margin covers
 * the gap between the query's start and its `now64()`. (In cluster mode each shard's inserts are
 * only seen by that shard: there the settle time alone must outlast them.)
 */
export const IN_FLIGHT_SUBJECT_INSERTS = `${IN_FLIGHT_BASE}
    AND match(query, '(?i)^\\s*INSERT\\s+INTO\\s+\\S*subject_first_seen[\\s(]')`;

/** The same for every table an evidence pack reads. */
export const IN_FLIGHT_EVIDENCE_INSERTS = `${IN_FLIGHT_BASE}
    AND match(query, '(?i)^\\s*INSERT\\s+INTO\\s+\\S*(subject_first_seen|transfers|audit_log|alert_history)[\\s(]')`;
