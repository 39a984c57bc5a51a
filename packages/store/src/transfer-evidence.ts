import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { fromClickHouseTime, toClickHouseTime } from './scope.js';

/**
 * Transfers of one instrument-year stored by `asOf` (made under its mechanism: a transfer citing it
 * under another is not made under it), each with its latest judgement made by then
 * (a re-judgement after asOf does not change a pack of asOf). Another processor's transfers that
 * cite the certificate are not its transfers (they never count against it), and a transfer still
 * pending its certificate's declaration was not judged by it.
 */
const CERTIFICATE_TRANSFERS = `SELECT * FROM (
    SELECT * FROM transfers
    WHERE certificate_id = {certificateId:String} AND mechanism = {mechanism:String} AND year = {year:UInt16}
      AND ingested_at <= {asOf:DateTime64(3, 'UTC')} AND judged_at <= {asOf:DateTime64(3, 'UTC')}
    ORDER BY event_id, judged_at DESC LIMIT 1 BY event_id)
  WHERE NOT pending AND NOT has(out_of_scope_reasons, 'certificate_of_other_processor')`;

/** `channel`: transfer or remote_access (overseas access to PI stored in China counts the same). */
export type BreakdownDimension = 'recipient' | 'country' | 'category' | 'purpose' | 'system' | 'channel';

export interface BreakdownRow {
  dimension: BreakdownDimension;
  /** The recipient id, country code, category code, purpose or system ('' when not given). */
  value: string;
  /** Destination country, for the recipient dimension only. */
  country: string;
  transfers: number;
  /** Subjects summed over the transfers: a person sent twice counts twice (distinct persons are per class only). */
  subjectRecords: number;
  outOfScopeTransfers: number;
}

export interface IncidentTransfer {
  eventId: string;
  occurredAt: string;
  recipientId: string;
  country: string;
  purpose: string;
  system: string;
  categories: string[];
  importantData: boolean;
  subjects: number;
  reasons: string[];
  unknownCategories: string[];
  /** effectiveFrom of the scope version that judged the transfer. */
  scopeVersion: string;
}

interface IncidentRow {
  event_id: string;
  occurred_at_text: string;
  recipient_id: string;
  recipient_country: string;
  purpose: string;
  system: string;
  categories: string[];
  important_data: boolean;
  subject_count: number;
  out_of_scope_reasons: string[];
  unknown_categories: string[];
  scope_version: string;
}

/** Evidence reads over the transfers table (never subject data). */
export class TransferEvidence {
  constructor(private readonly client: ClickHouseClient) {}

  /** Transfers and subject records per recipient, country, category, purpose, system and channel. */
  async breakdowns(certificateId: string, year: number, asOf: Date, mechanism = 'certification'): Promise<BreakdownRow[]> {
    const rows = await selectRows<{
      dimension: BreakdownDimension;
      value: string;
      country: string;
      transfers: number;
      subject_records: number;
      out_of_scope: number;
    }>(
      this.client,
      `SELECT d.1 AS dimension, d.2 AS value, d.3 AS country, count() AS transfers,
              sum(subject_count) AS subject_records, countIf(notEmpty(out_of_scope_reasons)) AS out_of_scope
       FROM (${CERTIFICATE_TRANSFERS})
       ARRAY JOIN arrayConcat(
         [('recipient', toString(recipient_id), toString(recipient_country)), ('country', toString(recipient_country), ''),
          ('purpose', toString(purpose), ''), ('system', toString(system), ''), ('channel', toString(channel), '')],
         arrayMap(c -> ('category', toString(c), ''), categories)) AS d
       WHERE NOT domestic
       GROUP BY dimension, value, country ORDER BY dimension, value, country`,
      { certificateId, year, asOf: toClickHouseTime(asOf), mechanism },
    );
    return rows.map((row) => ({
      dimension: row.dimension,
      value: row.value,
      country: row.country,
      transfers: Number(row.transfers),
      subjectRecords: Number(row.subject_records),
      outOfScopeTransfers: Number(row.out_of_scope),
    }));
  }

  /** Transfers to recipients in mainland China (CN): recorded, not outbound, never counted; shown apart. */
  async domestic(
    certificateId: string,
    year: number,
    asOf: Date,
    mechanism = 'certification',
  ): Promise<{ transfers: number; subjectRecords: number }> {
    const [row] = await selectRows<{ transfers: number | string; subject_records: number | string }>(
      this.client,
      `SELECT count() AS transfers, sum(subject_count) AS subject_records FROM (${CERTIFICATE_TRANSFERS}) WHERE domestic`,
      { certificateId, year, asOf: toClickHouseTime(asOf), mechanism },
    );
    return { transfers: Number(row?.transfers ?? 0), subjectRecords: Number(row?.subject_records ?? 0) };
  }

  /** Every transfer that was out of scope or used a code missing from the catalogue, in event-time order. */
  async incidents(certificateId: string, year: number, asOf: Date, mechanism = 'certification'): Promise<IncidentTransfer[]> {
    const rows = await selectRows<IncidentRow>(
      this.client,
      `SELECT event_id, toString(occurred_at) AS occurred_at_text, recipient_id, recipient_country, purpose, system, categories,
              important_data, subject_count, out_of_scope_reasons, unknown_categories, scope_version
       FROM (${CERTIFICATE_TRANSFERS})
       WHERE notEmpty(out_of_scope_reasons) OR notEmpty(unknown_categories)
       ORDER BY occurred_at, event_id`,
      { certificateId, year, asOf: toClickHouseTime(asOf), mechanism },
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      occurredAt: fromClickHouseTime(row.occurred_at_text).toISOString(),
      recipientId: row.recipient_id,
      country: row.recipient_country,
      purpose: row.purpose,
      system: row.system,
      categories: row.categories,
      importantData: Boolean(row.important_data),
      subjects: Number(row.subject_count),
      reasons: row.out_of_scope_reasons,
      unknownCategories: row.unknown_categories,
      scopeVersion: row.scope_version,
    }));
  }

  /** Did the processor send important data in a transfer of `year` stored by `asOf`? */
  async hasImportantData(processorId: string, year: number, asOf: Date): Promise<boolean> {
    const [row] = await selectRows<{ n: number }>(
      this.client,
      `SELECT count() AS n FROM transfers FINAL
       WHERE processor_id = {processorId:String} AND year = {year:UInt16} AND important_data AND ingested_at <= {asOf:DateTime64(3, 'UTC')}`,
      { processorId, year, asOf: toClickHouseTime(asOf) },
    );
    return Number(row?.n ?? 0) > 0;
  }
}
