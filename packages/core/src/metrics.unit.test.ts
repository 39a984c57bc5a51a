import { ALERT_NAMES } from '@pi-egress/domain';
import { describe, expect, it } from 'vitest';
import { createMetrics, exposition, renderPublishedGauges, zeroAlertsFiring } from './metrics.js';

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
      ['oversized', 'not_utf8', 'not_json', 'schema', 'invalid_text', 'future_timestamp', 'occurred_at_out_of_range', 'store_refused'].map(
        (r) => `reason="${r}"`,
      ),
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

describe('the /metrics text', () => {
  const labels = { processor_id: 'P1', certificate_id: 'C1', class: 'non_sensitive', year: '2026' };
  const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

  it('is the whole registry, live, before the evaluator has published anything', async () => {
    const metrics = createMetrics();
    metrics.individuals.set(labels, 7);
    expect(line(await exposition(metrics), 'pi_egress_individuals')).toBe(line(await metrics.registry.metrics(), 'pi_egress_individuals'));
  });

  it('serves the evaluator gauges as last published and everything else live', async () => {
    const metrics = createMetrics();
    metrics.individuals.set(labels, 7);
    await renderPublishedGauges(metrics);
    metrics.individuals.set(labels, 8); // set, not yet published: scrapes still see the published set
    metrics.events.inc({ result: 'accepted' }, 3);
    const text = await exposition(metrics);
    expect(line(text, 'pi_egress_individuals')).toMatch(/ 7$/);
    expect(text).toContain('pi_egress_events_total{result="accepted"} 3');
    // Every metric of the registry appears once, with its HELP line.
    const names = (body: string) => [...body.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]).sort();
    expect(names(text)).toEqual(names(await metrics.registry.metrics()));
    await renderPublishedGauges(metrics);
    expect(line(await exposition(metrics), 'pi_egress_individuals')).toMatch(/ 8$/);
  });

  it('renders the published gauges exactly as the registry does: escaped label values, NaN and infinities', async () => {
    const metrics = createMetrics();
    metrics.individuals.set({ ...labels, certificate_id: 'C "quoted" \\ back\nslash' }, 3);
    metrics.utilization.set(labels, Number.NaN);
    metrics.forecastCapTimestamp.set(labels, Number.POSITIVE_INFINITY);
    metrics.cap.set(labels, Number.NEGATIVE_INFINITY);
    metrics.certificateExpiry.set({ certificate_id: 'C1' }, 1.5e9);
    await renderPublishedGauges(metrics);
    const published = (text: string) =>
      text.split('\n').filter((l) => /^(# (HELP|TYPE) )?pi_egress_(individuals|utilization_ratio|forecast_cap|cap|certificate_expiry)/.test(l));
    expect(published(await exposition(metrics))).toEqual(published(await metrics.registry.metrics()));
    expect(published(await exposition(metrics))).toHaveLength(15);
  });
});
