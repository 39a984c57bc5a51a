import type { ClickHouseClient } from '@clickhouse/client';
import type { InstrumentKind, InstrumentUse } from '@pi-egress/domain';
import { selectRows } from './client.js';
import { IN_FLIGHT_SUBJECT_INSERTS } from './scope-sql.js';
import { toClickHouseTime, type ScopeLevel } from './scope.js';

/** Transfers of one kind of incident, summarised per processor and certificate (and reason). */
export type IncidentRow =
  | (IncidentCounts & { kind: 'out_of_scope'; reason: string })
  | (IncidentCounts & { kind: 'important_data' })
  | (IncidentCounts & { kind: 'cii_operator' })
  | (IncidentCounts & { kind: 'unknown_category'; codes: string[] });

interface IncidentCounts {
  /** Counting year of the transfers (China time). */
  year: number;
  processorId: string;
  certificateId: string | null;
  mechanism: string;
  events: number;
  lastEventId: string;
}

interface Row {
  kind: IncidentRow['kind'];
  year: number;
  processor_id: string;
  certificate_id: string;
  cited_mechanism: string;
  reason: string;
  codes: string[];
  events: number | string;
  last_event_id: string;
}

// A transfer is recent when it occurred, was stored or was judged again since `since`: a late
// event or a re-judgement still alerts. A pending transfer (its certificate not declared yet) is
// not judged yet.
const RECENT = `greatest(occurred_at, ingested_at, judged_at) >= {since:DateTime64(3, 'UTC')} AND NOT pending`;
const SUMMARY =
  'year, processor_id, certificate_id, any(mechanism) AS cited_mechanism, uniqExact(event_id) AS events, argMax(event_id, ingested_at) AS last_event_id';
const BY = 'GROUP BY year, processor_id, certificate_id';

/**
 * The store reads behind the evaluator's rules. Incidents come from the transfers table, not from
 * in-memory callbacks, so they are seen whichever process ingested them.
 */
export class AlertInputs {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Out-of-scope, important-data (any mechanism but a security assessment), CII-operator (under
   * certification or a standard contract, by the processor's current settings) and
   * unknown-category transfers since `since`.
   */
  async incidents(since: Date): Promise<IncidentRow[]> {
    const rows = await selectRows<Row>(
      this.client,
      `SELECT 'out_of_scope' AS kind, reason, [] AS codes, ${SUMMARY}
       FROM transfers FINAL ARRAY JOIN out_of_scope_reasons AS reason
       WHERE ${RECENT} ${BY}, reason
       UNION ALL
       SELECT 'important_data' AS kind, '' AS reason, [] AS codes, ${SUMMARY}
       FROM transfers FINAL WHERE important_data AND mechanism != 'security_assessment' AND NOT domestic AND ${RECENT}
       ${BY}
       UNION ALL
       SELECT 'cii_operator' AS kind, '' AS reason, [] AS codes, ${SUMMARY}
       FROM transfers FINAL WHERE mechanism IN ('certification', 'standard_contract') AND NOT domestic AND ${RECENT}
         AND processor_id GLOBAL IN (SELECT processor_id FROM processors FINAL WHERE cii_operator)
       ${BY}
       UNION ALL
       SELECT 'unknown_category' AS kind, '' AS reason, arraySort(groupUniqArrayArray(unknown_categories)) AS codes, ${SUMMARY}
       FROM transfers FINAL WHERE notEmpty(unknown_categories) AND ${RECENT}
       ${BY}`,
      { since: toClickHouseTime(since) },
    );
    return rows.map((row): IncidentRow => {
      const common = {
        year: Number(row.year),
        processorId: row.processor_id,
        certificateId: row.certificate_id || null,
        mechanism: row.cited_mechanism,
        events: Number(row.events),
        lastEventId: row.last_event_id,
      };
      if (row.kind === 'out_of_scope') return { ...common, kind: row.kind, reason: row.reason };
      if (row.kind === 'unknown_category') return { ...common, kind: row.kind, codes: row.codes };
      return { ...common, kind: row.kind };
    });
  }

  /**
   * Counted transfers under an instrument mechanism since `since` (pending ones included: under a
   * standard contract or an assessment an undeclared instrument is a gap), per processor,
   * mechanism and cited instrument, with how many occurred while it was not active or valid.
   */
  async instrumentUses(since: Date): Promise<InstrumentUse[]> {
    const rows = await selectRows<{
      year: number;
      processor_id: string;
      mechanism: InstrumentKind;
      certificate_id: string;
      events: string;
      last_event_id: string;
      inactive: string;
    }>(
      this.client,
      `SELECT year, processor_id, mechanism, certificate_id, uniqExact(event_id) AS events, argMax(event_id, ingested_at) AS last_event_id,
              uniqExactIf(event_id, hasAny(out_of_scope_reasons, ['certificate_not_active', 'outside_validity'])) AS inactive
       FROM transfers FINAL
       WHERE counted AND NOT domestic AND mechanism IN ('certification', 'standard_contract', 'security_assessment')
         AND greatest(occurred_at, ingested_at, judged_at) >= {since:DateTime64(3, 'UTC')}
       GROUP BY year, processor_id, mechanism, certificate_id`,
      { since: toClickHouseTime(since) },
    );
    return rows.map((row) => ({
      year: Number(row.year),
      processorId: row.processor_id,
      mechanism: row.mechanism,
      instrumentId: row.certificate_id || null,
      events: Number(row.events),
      lastEventId: row.last_event_id,
      inactiveEvents: Number(row.inactive),
    }));
  }

  /**
   * Every scope-year that received people, with the server time of its latest insert and the
   * watermark of its latest checkpoint (its daily figures follow checkpoints), and
   * `settledBefore`: every insert into the subject table that started before it has ended (no insert
   * still running started earlier), so a scope whose latest insert is older is read completely by
   * any read made after this call.
   */
  async activity(): Promise<{
    scopes: Array<{ level: ScopeLevel; scopeId: string; year: number; lastInsertedAt: string; checkpointAt: string }>;
    settledBefore: string;
  }> {
    const rows = await selectRows<{
      scope_level: ScopeLevel;
      scope_id: string;
      year: number;
      last: string;
      checkpoint: string;
      settled_before: string;
    }>(
      this.client,
      `SELECT toString(a.scope_level) AS scope_level, a.scope_id AS scope_id, a.year AS year, toString(a.last) AS last,
              toString(c.w) AS checkpoint, toString((${IN_FLIGHT_SUBJECT_INSERTS})) AS settled_before
       FROM (SELECT scope_level, scope_id, year, max(last_inserted_at) AS last FROM scope_activity GROUP BY scope_level, scope_id, year) AS a
       LEFT JOIN (SELECT scope_level, scope_id, year, max(watermark) AS w FROM count_checkpoints GROUP BY scope_level, scope_id, year) AS c
       USING (scope_level, scope_id, year)`,
    );
    return {
      scopes: rows.map((row) => ({
        level: row.scope_level,
        scopeId: row.scope_id,
        year: Number(row.year),
        lastInsertedAt: row.last,
        checkpointAt: row.checkpoint,
      })),
      settledBefore: rows[0]?.settled_before ?? '',
    };
  }

  /** Processors and groups with counted individuals in `year`. */
  async countedScopes(year: number): Promise<{ processors: string[]; groups: string[] }> {
    const rows = await selectRows<{ scope_level: string; ids: string[] }>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, arraySort(groupUniqArray(scope_id)) AS ids
       FROM scope_activity WHERE year = {year:UInt16} AND scope_level IN ('processor', 'group') GROUP BY scope_level`,
      { year },
    );
    const ids = (level: string) => rows.find((row) => row.scope_level === level)?.ids ?? [];
    return { processors: ids('processor'), groups: ids('group') };
  }
}
