import { createLogger } from '@pi-egress/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { alertingRigForSuite } from '../harness/alerting-suite.js';

/** The evaluator against a real Alertmanager: what reaches the on-call webhook, and when. */

const JUNE = new Date('2026-06-02T00:00:00Z');
const SCOPE = { processor_id: 'P1', certificate_id: 'CERT-1', class: 'non_sensitive', year: '2026' };

const matches =
  (labels: Record<string, string>, status = 'firing') =>
  (alert: { status: string; labels: Record<string, string> }) =>
    alert.status === status && Object.entries(labels).every(([name, value]) => alert.labels[name] === value);

describe('utilisation alerts through Alertmanager', () => {
  const rig = alertingRigForSuite({ now: JUNE, evaluator: { resendIntervalMs: 500 } });
  let next = 0;
  const send = (count: number) => rig.ingest([makeEvent({ subjects: subjects(count, 'person', (next += count) - count) })]);

  beforeAll(async () => {
    await rig.declare(makeCertificate({ limits: { nonSensitive: 100, sensitive: 20 } }));
  });

  it('delivers each level as it is crossed, then the cap, with the SPEC §5 labels', async () => {
    const steps: Array<[number, Record<string, string>]> = [
      [80, { alertname: 'ScopeUtilization', severity: 'warning', level: '0.8' }],
      [10, { alertname: 'ScopeUtilization', severity: 'high', level: '0.9' }],
      [5, { alertname: 'ScopeUtilization', severity: 'critical', level: '0.95' }],
      [6, { alertname: 'ScopeCapExceeded', severity: 'critical' }],
    ];
    for (const [count, labels] of steps) {
      const sentAt = Date.now();
      await send(count);
      const alert = await rig.webhook.waitFor(matches({ ...SCOPE, ...labels }), 10_000);
      expect(alert.labels).toEqual({ ...SCOPE, ...labels });
      expect(alert.annotations.runbook_url).toMatch(new RegExp(`/docs/runbooks/${labels.alertname}\\.md$`));
      expect(alert.annotations.summary).toContain('CERT-1');
      expect(alert.annotations.description).toContain('cap');
      console.log(`${labels.alertname}${labels.level ? ` ${labels.level}` : ''}: webhook ${alert.receivedAt - sentAt} ms after ingest`);
    }
    expect(rig.webhook.alerts.filter((a) => a.status === 'resolved')).toEqual([]);
  });

  it('keeps them firing in Alertmanager while the count stays above, across a restart', async () => {
    const historyBefore = await rig.store.alerts.history();
    await rig.restartEvaluator();
    const result = await rig.evaluator.evaluateNow();
    expect(result.firing.map((a) => a.labels.level ?? a.alertname).sort()).toEqual(['0.8', '0.9', '0.95', 'ScopeCapExceeded']);
    expect(result.fired).toEqual([]);
    // No new history entry: the restarted evaluator took over what was firing.
    expect(await rig.store.alerts.history()).toHaveLength(historyBefore.length);
    const res = await fetch(`${rig.alertmanager.url}/api/v2/alerts?active=true&silenced=false&inhibited=false`);
    const active = (await res.json()) as Array<{ labels: Record<string, string>; endsAt: string }>;
    expect(active.filter((a) => a.labels.certificate_id === 'CERT-1')).toHaveLength(4);
    for (const alert of active) expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now());
    expect(await rig.store.alerts.firing()).toHaveLength(4);
  });

  it('resolves them when the new year starts in China (1 January 00:00 CST)', async () => {
    rig.clock.now = new Date('2026-12-31T15:59:59.999Z');
    expect((await rig.evaluator.evaluateNow()).resolved).toEqual([]);
    rig.clock.now = new Date('2026-12-31T16:00:00.000Z');
    const result = await rig.evaluator.evaluateNow();
    expect(result.year).toBe(2027);
    expect(result.resolved).toHaveLength(4);
    expect(result.firing).toEqual([]);
    await rig.webhook.waitFor(matches({ ...SCOPE, alertname: 'ScopeCapExceeded' }, 'resolved'), 10_000);
    await rig.webhook.waitFor(matches({ ...SCOPE, level: '0.8' }, 'resolved'), 10_000);
    expect(await rig.store.alerts.firing()).toEqual([]);
    const resolved = (await rig.store.alerts.history({ certificateId: 'CERT-1' })).filter((h) => h.status === 'resolved');
    expect(resolved).toHaveLength(4);
  });
});

describe('transfer incidents through Alertmanager', () => {
  const rig = alertingRigForSuite({ now: JUNE });
  beforeAll(async () => {
    await rig.declare(makeCertificate());
  });

  it('raises OutOfScopeTransfer with each reason, ImportantDataTransfer and UnknownCategory', async () => {
    await rig.ingest([
      makeEvent({ recipient: { id: 'R9', country: 'DE' } }),
      makeEvent({ recipient: { id: 'R1', country: 'US' } }),
      makeEvent({ purpose: 'marketing' }),
      makeEvent({ categories: ['name', 'biometric'] }),
      makeEvent({ importantData: true }),
      makeEvent({ categories: ['name', 'mystery_code'] }),
    ]);
    const scope = { processor_id: 'P1', certificate_id: 'CERT-1', year: '2026' };
    for (const reason of ['recipient_not_in_scope', 'country_not_in_scope', 'purpose_not_in_scope', 'category_not_in_scope', 'important_data']) {
      const alert = await rig.webhook.waitFor(matches({ alertname: 'OutOfScopeTransfer', reason }), 10_000);
      expect(alert.labels).toEqual({ alertname: 'OutOfScopeTransfer', severity: 'critical', ...scope, reason });
    }
    const important = await rig.webhook.waitFor(matches({ alertname: 'ImportantDataTransfer' }), 10_000);
    expect(important.labels).toEqual({ alertname: 'ImportantDataTransfer', severity: 'critical', ...scope });
    const unknown = await rig.webhook.waitFor(matches({ alertname: 'UnknownCategory' }), 10_000);
    expect(unknown.labels).toEqual({ alertname: 'UnknownCategory', severity: 'warning', ...scope });
    expect(unknown.annotations.description).toContain('mystery_code');
  });

  it('raises DeadLettersPresent from the ingest metrics of its process', async () => {
    rig.metrics.deadLetters.inc({ reason: 'schema' }, 2);
    await rig.evaluator.evaluateNow();
    const alert = await rig.webhook.waitFor(matches({ alertname: 'DeadLettersPresent' }), 10_000);
    expect(alert.labels).toEqual({ alertname: 'DeadLettersPresent', severity: 'warning', reason: 'schema' });
  });

  it('sees incidents written by another process (read from the store, not from callbacks)', async () => {
    const { startEvaluator } = await import('@pi-egress/evaluator');
    const other = startEvaluator({
      ctx: rig.ctx,
      metrics: rig.metrics,
      logger: createLogger({ level: 'silent' }),
      intervalMs: 600_000,
      runbookBaseUrl: 'http://runbooks',
      followWrites: false,
    });
    try {
      const result = await other.evaluateNow();
      expect(result.firing.filter((a) => a.alertname === 'OutOfScopeTransfer')).toHaveLength(5);
    } finally {
      await other.stop();
    }
  });
});
