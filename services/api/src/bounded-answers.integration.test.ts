import { describe, expect, it } from 'vitest';
import { testApiForSuite } from '@pi-egress/testing';
import { MAX_LISTED_REJECTIONS } from './routes/events.js';

const MiB = 1024 * 1024;
const NDJSON = { 'content-type': 'application/x-ndjson' };

/** Runs `work` while sampling this process's RSS (the API runs in it); resolves with its result and the peak growth. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMiB: (peak - baseline) / MiB };
  } finally {
    clearInterval(sampler);
  }
}

describe('bounded answers', () => {
  const api = testApiForSuite();

  it('answers a 30 MB NDJSON body of one-byte bad lines with 413 at once, within bounded memory', async () => {
    const body = Buffer.alloc(30 * MiB, 'x\n');
    const { result, growthMiB } = await peakRssGrowth(async () => {
      const response = await api.call('ingest', 'POST', '/v1/events', body, NDJSON);
      return { status: response.status, body: (await response.json()) as { error: string } };
    });
    expect(result).toEqual({ status: 413, body: { error: 'too_many_events', message: 'a batch holds at most 100000 events (lines)' } });
    // The body itself is held twice (sent and received); before the bound the answer alone took GBs.
    expect(growthMiB).toBeLessThan(256);
  });

  it('lists the first 1,000 rejections of a full batch of bad lines and counts them all', async () => {
    const lines = 100_000;
    const { result, growthMiB } = await peakRssGrowth(async () => {
      const response = await api.call('ingest', 'POST', '/v1/events', Buffer.alloc(lines * 2, 'x\n'), NDJSON);
      const text = await response.text();
      return {
        status: response.status,
        bytes: text.length,
        body: JSON.parse(text) as { accepted: number; rejected: Array<{ index: number; reason: string }>; rejectedCount: number },
      };
    });
    expect(result.status).toBe(200);
    expect(result.body.accepted).toBe(0);
    expect(result.body.rejectedCount).toBe(lines);
    expect(result.body.rejected).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(result.body.rejected.map((r) => r.index)).toEqual(Array.from({ length: MAX_LISTED_REJECTIONS }, (_, i) => i));
    expect(result.bytes).toBeLessThan(200 * 1024);
    expect(growthMiB).toBeLessThan(300);
  });

  it('refuses a JSON array of more events than a batch holds with 413', async () => {
    const response = await api.call('ingest', 'POST', '/v1/events', `[${Array(100_001).fill('0').join(',')}]`);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'too_many_events', message: 'a batch holds at most 100000 events' });
  });
});
