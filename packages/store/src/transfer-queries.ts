import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';

/** Reads over stored transfers (never subject data). */
export class TransferQueries {
  constructor(private readonly client: ClickHouseClient) {}

  /** Did the processor send important data in a counted transfer this year? */
  async hasImportantData(processorId: string, year: number): Promise<boolean> {
    const [row] = await selectRows<{ n: number }>(
      this.client,
      `SELECT count() AS n FROM transfers FINAL
       WHERE processor_id = {processorId:String} AND year = {year:UInt16} AND important_data`,
      { processorId, year },
    );
    return Number(row?.n ?? 0) > 0;
  }
}
