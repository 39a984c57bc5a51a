import { addDaysToDate, addMonthsToDate, alertFingerprint, chinaDate } from '@pi-egress/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { scrapedRigForSuite } from '../harness/alerting-suite.js';
import { promtool } from '../harness/prometheus.js';
import { pollUntil } from '../harness/process.js';

/** Alerts the shipped rules cover; the rest (incidents, renewal, groups) only the evaluator judges. */
const RULE_ALERTS = [
  'ScopeUtilization',
  'ScopeCapExceeded',
  'ForecastCapBreach',
  'PathwayCeilingReached',
  'PathwayThresholdApproaching',
  'CertificateExpired',
];
const covered = (labels: Record<string, string>) =>
  RULE_ALERTS.includes(labels.alertname!) &&
  labels.group_id === undefined &&
  !(labels.alertname === 'ForecastCapBreach' && labels.certificate_id === undefined);
const identity = (labels: Record<string, string>) => alertFingerprint(labels);

describe('the shipped Prometheus rules agree with the evaluator (GET /v1/alerts)', () => {
  const now = new Date();
  const today = chinaDate(now);
  const occurredAt = new Date(now.getTime() - 60_000).toISOString();
  const rig = scrapedRigForSuite(now);

  beforeAll(async () => {
    const yesterday = addDaysToDate(today, -1);
    await Promise.all([
      // Own levels 0.5 / 0.9 / 0.97 of 10; a sensitive cap of 0; a 1-day horizon.
      rig.declare(
        makeCertificate({
          certificateId: 'CERT-LV',
          processorId: 'P-LV',
          limits: { nonSensitive: 10, sensitive: 0 },
          alerting: { levels: [0.5, 0.9, 0.97], forecastHorizonDays: 1 },
        }),
      ),
      // 5 of 25 today: 20 left at 5 a day is 4 days, within the default 30 but not a 2-day horizon.
      rig.declare(makeCertificate({ certificateId: 'CERT-H30', processorId: 'P-H30', limits: { nonSensitive: 25, sensitive: 5 } })),
      rig.declare(
        makeCertificate({
          certificateId: 'CERT-H2',
          processorId: 'P-H2',
          limits: { nonSensitive: 25, sensitive: 5 },
          alerting: { forecastHorizonDays: 2 },
        }),
      ),
      // Expired yesterday; CERT-REN expired too but names its active successor CERT-NEXT.
      rig.declare(
        makeCertificate({ certificateId: 'CERT-OLD', processorId: 'P-OLD', validFrom: addMonthsToDate(yesterday, -12), validTo: yesterday }),
      ),
      rig.declare(
        makeCertificate({
          certificateId: 'CERT-REN',
          processorId: 'P-REN',
          validFrom: addMonthsToDate(yesterday, -12),
          validTo: yesterday,
          supersededBy: 'CERT-NEXT',
        }),
      ),
      rig.declare(makeCertificate({ certificateId: 'CERT-NEXT', processorId: 'P-REN', validFrom: today, validTo: addMonthsToDate(today, 24) })),
    ]);
    await rig.ingest([
      makeEvent({ occurredAt, processorId: 'P-LV', certificateId: 'CERT-LV', categories: ['name'], subjects: subjects(9, 'lv') }),
      makeEvent({ occurredAt, processorId: 'P-LV', certificateId: 'CERT-LV', categories: ['health'], subjects: subjects(1, 'lv-s') }),
      makeEvent({ occurredAt, processorId: 'P-H30', certificateId: 'CERT-H30', categories: ['name'], subjects: subjects(5, 'h30') }),
      makeEvent({ occurredAt, processorId: 'P-H2', certificateId: 'CERT-H2', categories: ['name'], subjects: subjects(5, 'h2') }),
      // A processor at 10,000 sensitive individuals under standard contracts: every threshold level and the ceiling.
      makeEvent({ occurredAt, processorId: 'P-T', mechanism: 'standard_contract', categories: ['health'], subjects: subjects(5_000, 't') }),
      makeEvent({ occurredAt, processorId: 'P-T', mechanism: 'standard_contract', categories: ['health'], subjects: subjects(5_000, 't', 5_000) }),
    ]);
  }, 120_000);

  it('exports metrics promtool check metrics is silent about', async () => {
    await rig.evaluator.evaluateNow();
    const text = await (await fetch(`${rig.server.url}/metrics`)).text();
    expect(text).toContain('pi_egress_forecast_cap_timestamp_seconds{');
    expect(text).not.toContain('pi_egress_forecast_cap_days');
    const check = await promtool(['check', 'metrics'], { stdin: text });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('fires the same metric-based alerts in Prometheus as the evaluator lists', async () => {
    const evaluatorSet = async () => {
      await rig.evaluator.evaluateNow();
      return (await rig.store.alerts.firing()).map((a) => a.labels).filter(covered);
    };
    const prometheusSet = async () =>
      ((await rig.prometheus.query('ALERTS{alertstate="firing"}')) as Array<{ metric: Record<string, string> }>)
        .map(({ metric: { alertstate: _state, __name__: _name, ...labels } }) => labels)
        .filter(covered);
    // CERT-H30 reaches its cap in 4 days: a forecast while that is still this year.
    const forecastExpected = addDaysToDate(today, 4) <= `${today.slice(0, 4)}-12-31`;
    const sorted = (sets: Array<Record<string, string>>) => sets.map(identity).sort();
    // Both converge within a few scrapes (the forecast waits for a count checkpoint); then they must agree.
    const agreed = await pollUntil(
      async () => {
        const [ours, theirs] = await Promise.all([evaluatorSet(), prometheusSet()]);
        const forecastSeen = !forecastExpected || ours.some((l) => l.alertname === 'ForecastCapBreach' && l.certificate_id === 'CERT-H30');
        return ours.length > 0 && forecastSeen && JSON.stringify(sorted(ours)) === JSON.stringify(sorted(theirs)) ? ours : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'Prometheus and the evaluator firing the same alerts' },
    ).catch(async () => ({ ours: sorted(await evaluatorSet()), theirs: sorted(await prometheusSet()) }));
    expect(Array.isArray(agreed), JSON.stringify(agreed, null, 1)).toBe(true);
    const labels = agreed as Array<Record<string, string>>;
    const has = (l: Record<string, string>) => labels.some((x) => identity(x) === identity(l));
    const year = today.slice(0, 4);
    const lv = { processor_id: 'P-LV', certificate_id: 'CERT-LV', year };
    expect(has({ alertname: 'ScopeUtilization', severity: 'warning', ...lv, class: 'non_sensitive', level: '0.5' })).toBe(true);
    expect(has({ alertname: 'ScopeUtilization', severity: 'high', ...lv, class: 'non_sensitive', level: '0.9' })).toBe(true);
    expect(has({ alertname: 'ScopeCapExceeded', severity: 'critical', ...lv, class: 'sensitive' })).toBe(true);
    expect(labels.filter((l) => l.certificate_id === 'CERT-LV' && l.class === 'sensitive').map((l) => l.alertname)).toEqual(['ScopeCapExceeded']);
    expect(labels.filter((l) => l.certificate_id === 'CERT-H2' && l.alertname === 'ForecastCapBreach')).toEqual([]);
    if (forecastExpected)
      expect(
        has({ alertname: 'ForecastCapBreach', severity: 'warning', processor_id: 'P-H30', certificate_id: 'CERT-H30', class: 'non_sensitive', year }),
      ).toBe(true);
    expect(
      has({ alertname: 'PathwayThresholdApproaching', severity: 'critical', processor_id: 'P-T', class: 'sensitive', level: '0.95', year }),
    ).toBe(true);
    expect(has({ alertname: 'PathwayCeilingReached', severity: 'critical', processor_id: 'P-T', class: 'sensitive', year })).toBe(true);
    expect(has({ alertname: 'CertificateExpired', severity: 'critical', processor_id: 'P-OLD', certificate_id: 'CERT-OLD' })).toBe(true);
    expect(labels.filter((l) => l.processor_id === 'P-REN')).toEqual([]);
  }, 90_000);
});
