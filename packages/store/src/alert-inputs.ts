import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { toClickHouseTime } from './scope.js';

/** Transfers of one kind of incident, summarised per processor and certificate (and reason). */
export type IncidentRow =
  | (IncidentCounts & { kind: 'out_of_scope'; reason: string })
  | (IncidentCounts & { kind: 'important_data' })
  | (IncidentCounts & { kind: 'cii_operator' })
  | (IncidentCounts & { kind: 'unknown_category'; codes: string[] });

interface IncidentCounts {
  processorId: string;
  certificateId: string | null;
  events: number;
  lastEventId: string;
}

interface Row {
  kind: IncidentRow['kind'];
  processor_id: string;
  certificate_id: string;
  reason: string;
  codes: string[];
  events: number | string;
  last_event_id: string;
}

// A transfer is recent when it occurred or was stored since `since`: a late event still alerts.
const RECENT = `greatest(occurred_at, ingested_at) >= {since:DateTime64(3, 'UTC')}`;
const SUMMARY = 'processor_id, certificate_id, uniqExact(event_id) AS events, argMax(event_id, ingested_at) AS last_event_id';

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
       FROM transfers ARRAY JOIN out_of_scope_reasons AS reason
       WHERE ${RECENT} GROUP BY processor_id, certificate_id, reason
       UNION ALL
       SELECT 'important_data' AS kind, '' AS reason, [] AS codes, ${SUMMARY}
       FROM transfers WHERE important_data AND mechanism != 'security_assessment' AND NOT domestic AND ${RECENT}
       GROUP BY processor_id, certificate_id
       UNION ALL
       SELECT 'cii_operator' AS kind, '' AS reason, [] AS codes, ${SUMMARY}
       FROM transfers WHERE mechanism IN ('certification', 'standard_contract') AND NOT domestic AND ${RECENT}
         AND processor_id GLOBAL IN (SELECT processor_id FROM processors FINAL WHERE cii_operator)
       GROUP BY processor_id, certificate_id
       UNION ALL
       SELECT 'unknown_category' AS kind, '' AS reason, arraySort(groupUniqArrayArray(unknown_categories)) AS codes, ${SUMMARY}
       FROM transfers WHERE notEmpty(unknown_categories) AND ${RECENT}
       GROUP BY processor_id, certificate_id`,
      { since: toClickHouseTime(since) },
    );
    return rows.map((row): IncidentRow => {
      const common = { processorId: row.processor_id, certificateId: row.certificate_id || null, events: Number(row.events), lastEventId: row.last_event_id };
      if (row.kind === 'out_of_scope') return { ...common, kind: row.kind, reason: row.reason };
      if (row.kind === 'unknown_category') return { ...common, kind: row.kind, codes: row.codes };
      return { ...common, kind: row.kind };
    });
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
