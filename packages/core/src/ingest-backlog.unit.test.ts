import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, IngestBacklog, recordIngest } from './metrics.js';

describe('the ingest lag measures how far ingest is behind its input', () => {
  it('is the wait of the oldest input not yet written, 0 when none waits', () => {
    const backlog = new IngestBacklog();
    expect(backlog.lagSeconds(10_000)).toBe(0);
    const first = backlog.received(new Date(1_000));
    const second = backlog.received(new Date(4_000));
    expect(backlog.lagSeconds(10_000)).toBe(9);
    first();
    expect(backlog.lagSeconds(10_000)).toBe(6);
    first(); // idempotent
    second();
    expect(backlog.lagSeconds(10_000)).toBe(0);
  });

  it('exports old events as event delay, not as ingest lag', async () => {
    const metrics = createMetrics(new Registry());
    const now = new Date('2026-11-30T00:00:00Z');
    const leave = metrics.ingestBacklog.received(new Date());
    recordIngest(
      metrics,
      { accepted: 1, duplicates: 0, rejected: [], transfers: [{ subjects: [1], occurredAt: new Date('2026-06-01T00:00:00Z') }] },
      now,
    );
    leave();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^pi_egress_ingest_lag_seconds 0$/m);
    expect(text).toMatch(new RegExp(`^pi_egress_event_delay_seconds ${(now.getTime() - Date.parse('2026-06-01T00:00:00Z')) / 1000}$`, 'm'));
  });
});
