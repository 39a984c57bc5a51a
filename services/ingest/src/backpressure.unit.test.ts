import { createLogger } from '@pi-egress/config';
import { createMetrics } from '@pi-egress/core';
import { describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.js';

function setup(onPause: () => void = () => {}) {
  const calls: string[] = [];
  const metrics = createMetrics();
  const backpressure = new Backpressure(
    {
      pause: () => {
        calls.push('pause');
        onPause();
      },
      resume: () => calls.push('resume'),
    },
    createLogger({ level: 'silent' }),
    metrics,
    { minDelayMs: 1, maxDelayMs: 5 },
  );
  const storeErrors = async () => (await metrics.storeErrors.get()).values.find((v) => v.labels.operation === 'write')?.value;
  return { calls, backpressure, storeErrors };
}

/** A write whose first attempt gets the batch abandoned (the heartbeat saw a rebalance). */
function abandonedWrite(backpressure: Backpressure, firstAttempt: (lost: AbortController) => Promise<string>): Promise<string> {
  const lost = new AbortController();
  let attempts = 0;
  return backpressure.run('write', () => (attempts++ === 0 ? firstAttempt(lost) : Promise.resolve('never')), lost.signal);
}

describe('backpressure around the store write', () => {
  it('pauses consumption while the write fails and resumes it when the write succeeds', async () => {
    const { calls, backpressure, storeErrors } = setup();
    let attempts = 0;
    const flowing: boolean[] = [];
    const result = await backpressure.run(
      'write',
      async () => {
        flowing.push(backpressure.flowing);
        if (++attempts < 3) throw new Error('ECONNREFUSED');
        return 'written';
      },
      new AbortController().signal,
    );
    expect(result).toBe('written');
    expect(flowing).toEqual([true, false, false]);
    expect(calls).toEqual(['pause', 'pause', 'resume']);
    expect(backpressure.flowing).toBe(true);
    expect(await storeErrors()).toBe(2);
  });

  it('resumes consumption when the batch is abandoned, and does not count the abort as a store error', async () => {
    // The batch is abandoned while the failed write waits to be retried (deterministically: as
    // consumption pauses, before any retry can run).
    let abandon = () => {};
    const { calls, backpressure, storeErrors } = setup(() => abandon());
    const run = abandonedWrite(backpressure, async (lost) => {
      abandon = () => lost.abort(new Error('rebalancing'));
      throw new Error('ECONNREFUSED');
    });
    await expect(run).rejects.toThrow('rebalancing');
    expect(calls).toEqual(['pause', 'resume']);
    expect(backpressure.flowing).toBe(true);
    expect(await storeErrors()).toBe(1);
  });

  it('does not pause when the write succeeds after the batch was abandoned', async () => {
    const { calls, backpressure, storeErrors } = setup();
    const run = abandonedWrite(backpressure, async (lost) => {
      lost.abort(new Error('rebalancing'));
      return 'written';
    });
    await expect(run).rejects.toThrow('rebalancing');
    expect(calls).toEqual([]);
    expect(await storeErrors()).toBe(0);
  });
});
