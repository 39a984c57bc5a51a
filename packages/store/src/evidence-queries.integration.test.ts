import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '@pi-egress/testing';
import type { Store } from './store.js';

describe('the settled instant of an evidence pack', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore({ settleMs: 0 });
  });
  afterAll(() => store.close());

  it('never passes the start of an insert still running into a table the pack reads', async () => {
    const started = Date.now();
    // A slow insert: about 2 s, its rows all stamped near its start.
    const insert = store.client.command({
      query: `INSERT INTO audit_log (request_id, role, action, detail)
              SELECT toString(number), 'admin', 'slow', '' FROM system.numbers WHERE sleepEachRow(0.5) = 0 LIMIT 4`,
      clickhouse_settings: { max_block_size: '1' },
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    const during = await store.evidence.settledNow();
    await insert;
    const after = await store.evidence.settledNow();
    expect(during.getTime()).toBeLessThanOrEqual(started);
    expect(after.getTime()).toBeGreaterThanOrEqual(started + 1_500);
  });
});
