import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { toClickHouseTime } from './scope.js';

/** A stored transfer row, as read back for a re-judgement (every column, unchanged but the judgement). */
export interface StoredTransferRow {
  event_id: string;
  occurred_at: string;
  processor_id: string;
  certificate_id: string;
  mechanism: string;
  recipient_id: string;
  recipient_country: string;
  purpose: string;
  categories: string[];
  important_data: boolean;
  out_of_scope_reasons: string[];
  scope_version: string;
  pending: boolean;
  [column: string]: unknown;
}

export interface NewJudgement {
  reasons: string[];
  scopeVersion: string;
  pending: boolean;
}

const PAGE = 10_000;

/**
 * Re-judging stored transfers when a scope version or a late declaration changes what governs
 * them. A new judgement is the transfer's row inserted again with the new reasons (the replacing
 * table keeps the last one; every read uses FINAL), so nothing about the transfer is lost.
 */
export class TransferJudgements {
  constructor(private readonly client: ClickHouseClient) {}

  /** Transfers citing the instrument `certificateId` (any kind) that occurred in [from, to), page by page. */
  async *citing(certificateId: string, from: Date, to: Date | undefined): AsyncGenerator<StoredTransferRow[]> {
    let after = '';
    for (;;) {
      const page = await selectRows<StoredTransferRow>(
        this.client,
        `SELECT * FROM transfers FINAL
         WHERE certificate_id = {certificateId:String} AND mechanism != 'exempt'
           AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
           AND event_id > {after:String}
         ORDER BY event_id LIMIT {page:UInt32}`,
        { certificateId, from: toClickHouseTime(from), to: toClickHouseTime(to ?? new Date('2299-12-31T00:00:00Z')), after, page: PAGE },
      );
      if (page.length === 0) return;
      yield page;
      after = page.at(-1)!.event_id;
      if (page.length < PAGE) return;
    }
  }

  /** Stores the new judgements of `rows` (only the ones that changed are given). */
  async rewrite(rows: ReadonlyArray<{ row: StoredTransferRow; judgement: NewJudgement }>, at: Date): Promise<void> {
    if (rows.length === 0) return;
    const judgedAt = toClickHouseTime(at);
    await this.client.insert({
      table: 'transfers',
      values: rows.map(({ row, judgement }) => ({
        ...row,
        out_of_scope_reasons: judgement.reasons,
        scope_version: judgement.scopeVersion,
        pending: judgement.pending,
        judged_at: judgedAt,
      })),
      format: 'JSONEachRow',
    });
  }
}
