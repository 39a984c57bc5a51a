import { createLogger } from '@pi-egress/config';
import { createMetrics } from '@pi-egress/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.js';

describe('Backpressure', () => {
  it('does not pause consumption when the batch is abandoned (rebalance) during an operation', async () => {
    const calls: string[] = [];
    const backpressure = new Backpressure(
      { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      createLogger({ level: 'silent' }),
      createMetrics(new Registry()),
    );
    const lost = new AbortController();
    const rebalance = new Error('The group is rebalancing, so a rejoin is needed');
    const write = backpressure.run(
      'write',
      async () => {
        lost.abort(rebalance); // the heartbeat saw the rebalance while the write was in flight
        return 'written';
      },
      lost.signal,
    );
    await expect(write).rejects.toBe(rebalance);
    expect(calls).toEqual([]);
    expect(backpressure.flowing).toBe(true);
  });
});
