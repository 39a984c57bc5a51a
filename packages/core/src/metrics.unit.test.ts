import { ALERT_NAMES } from '@pi-egress/domain';
import { describe, expect, it } from 'vitest';
import { createMetrics, zeroAlertsFiring } from './metrics.js';

/** `name{labels} value` lines of the Prometheus text format. */
async function samples(name: string, metrics = createMetrics()): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const found = new Map<string, number>();
  for (const [, labels, value] of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) found.set(labels!, Number(value));
  return found;
}

describe('a fresh registry: zero is a value', () => {
  it.each([
    [
      'pi_egress_dead_letters_total',
      ['oversized', 'not_utf8', 'not_json', 'schema', 'invalid_text', 'future_timestamp', 'occurred_at_out_of_range', 'store_refused'].map((r) => `reason="${r}"`),
    ],
    ['pi_egress_store_errors_total', ['operation="write"', 'operation="checkpoint"', 'operation="evaluate"']],
    ['pi_egress_events_total', ['result="accepted"', 'result="duplicate"', 'result="rejected"', 'result="dropped"']],
    ['pi_egress_ingest_batch_duration_seconds_count', ['source="http"', 'source="kafka"']],
  ])('%s starts at 0 for every known label value', async (name, labels) => {
    const found = await samples(name);
    expect([...found.keys()].sort()).toEqual([...labels].sort());
    expect([...found.values()].every((v) => v === 0)).toBe(true);
  });

  it('pi_egress_alerts_firing has every alert name at every severity at 0, again after a reset', async () => {
    const metrics = createMetrics();
    metrics.alertsFiring.reset();
    metrics.alertsFiring.inc({ alertname: 'ScopeUtilization', severity: 'high' });
    zeroAlertsFiring(metrics);
    const found = await samples('pi_egress_alerts_firing', metrics);
    expect(found.size).toBe(ALERT_NAMES.length * 3);
    expect(found.get('alertname="ScopeUtilization",severity="high"')).toBe(0);
    expect(found.get('alertname="DeadLettersPresent",severity="warning"')).toBe(0);
  });
});
