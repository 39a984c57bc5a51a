import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';

/** One transfer of the processor-year with important data, if any (its index: migration 0009). */
export const IMPORTANT_DATA_SQL = `SELECT 1 AS one FROM transfers
  WHERE processor_id = {processorId:String} AND year = {year:UInt16} AND important_data LIMIT 1`;

/** Reads over stored transfers (never subject data). */
export class TransferQueries {
  constructor(private readonly client: ClickHouseClient) {}

  /** Did the processor send important data in a counted transfer this year? */
  async hasImportantData(processorId: string, year: number): Promise<boolean> {
    // Whether one such row exists: no FINAL and no count (it scanned the year's transfers on every
    // GET /usage). A re-judged transfer's rows all carry its event's own important_data flag.
    const rows = await selectRows<{ one: number }>(this.client, IMPORTANT_DATA_SQL, { processorId, year });
    return rows.length > 0;
  }

  /**
   * The processor's counted transfers of the year per mechanism and cited instrument ('' when none),
   * with their channels: which instrument each counted transfer used.
   */
  async instrumentUse(
    processorId: string,
    year: number,
  ): Promise<Array<{ mechanism: string; instrumentId: string; channel: string; transfers: number }>> {
    const rows = await selectRows<{ mechanism: string; instrument_id: string; channel: string; transfers: number | string }>(
      this.client,
      `SELECT mechanism, certificate_id AS instrument_id, channel, count() AS transfers FROM transfers FINAL
       WHERE processor_id = {processorId:String} AND year = {year:UInt16} AND counted
       GROUP BY mechanism, instrument_id, channel ORDER BY mechanism, instrument_id, channel`,
      { processorId, year },
    );
    return rows.map((row) => ({ mechanism: row.mechanism, instrumentId: row.instrument_id, channel: row.channel, transfers: Number(row.transfers) }));
  }
}
