import { openTestStore } from '@pi-egress/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { IMPORTANT_DATA_SQL } from './transfer-queries.js';

const YEAR = 2026;

/** `count` transfer rows of `processorId`, straight into the table (the writer's other columns take their defaults). */
async function transfers(store: Store, processorId: string, count: number, importantData: boolean, offset = 0): Promise<void> {
  await store.client.command({
    query: `INSERT INTO transfers (event_id, occurred_at, year, processor_id, counted, important_data)
            SELECT concat({processorId:String}, '-', toString(number + {offset:UInt64})), now64(3), {year:UInt16}, {processorId:String}, true, {importantData:Bool}
            FROM numbers({count:UInt64})`,
    query_params: { processorId, count, importantData, year: YEAR, offset },
  });
}

describe('whether a processor sent important data this year', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
    await transfers(store, 'P-PLAIN', 30_000, false);
    await transfers(store, 'P-IMPORTANT', 30_000, false);
    await transfers(store, 'P-IMPORTANT', 1, true, 30_000);
  });
  afterAll(() => store.close());

  it('is answered from the transfers', async () => {
    expect(await store.transfers.hasImportantData('P-PLAIN', YEAR)).toBe(false);
    expect(await store.transfers.hasImportantData('P-IMPORTANT', YEAR)).toBe(true);
    expect(await store.transfers.hasImportantData('P-IMPORTANT', YEAR + 1)).toBe(false);
  });

  it('skips every granule without important data (migration 0009), instead of reading the year', async () => {
    const result = await store.client.query({
      query: `EXPLAIN indexes = 1 ${IMPORTANT_DATA_SQL}`,
      query_params: { processorId: 'P-PLAIN', year: YEAR },
      format: 'TabSeparatedRaw',
    });
    const plan = await result.text();
    const skip = /Name: important_data_minmax[\s\S]*?Granules: (\d+)\/(\d+)/.exec(plan);
    expect(skip, plan).not.toBeNull();
    const [, kept, total] = skip!.map(Number);
    expect(total).toBeGreaterThan(5);
    expect(kept).toBeLessThanOrEqual(1);
  });
});
