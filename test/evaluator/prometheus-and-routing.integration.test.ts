import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { amtool, startAlertmanager } from '../harness/alertmanager.js';
import { scrapedRigForSuite } from '../harness/alerting-suite.js';
import { promtool } from '../harness/prometheus.js';

const deploy = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));
const RULES = deploy('prometheus/pi-egress.rules.yml');
const ALERTMANAGER_CONFIG = deploy('alertmanager/alertmanager.yml');

/** SPEC §7, plus one of the default process metrics. */
const SPEC_METRICS = [
  'pi_egress_individuals',
  'pi_egress_cap',
  'pi_egress_utilization_ratio',
  'pi_egress_forecast_cap_timestamp_seconds',
  'pi_egress_events_total',
  'pi_egress_subjects_total',
  'pi_egress_dead_letters_total',
  'pi_egress_ingest_lag_seconds',
  'pi_egress_certificate_expiry_timestamp_seconds',
  'pi_egress_alerts_firing',
  'process_cpu_seconds_total',
];

describe('shipped Prometheus rules and Alertmanager routing', () => {
  it('pass promtool check rules and promtool test rules', async () => {
    const check = await promtool(['check', 'rules', RULES]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const tests = readdirSync(deploy('prometheus/tests'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => deploy(`prometheus/tests/${f}`));
    expect(tests.length).toBeGreaterThan(0);
    const run = await promtool(['test', 'rules', ...tests]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it('route compliance alerts per certificate and mute warnings under a critical one', async () => {
    const check = await amtool(['check-config', ALERTMANAGER_CONFIG]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const route = async (...labels: string[]) =>
      (await amtool(['config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels])).stdout.trim();
    expect(await route('alertname=ScopeCapExceeded', 'severity=critical', 'certificate_id=C1')).toBe('compliance-page');
    expect(await route('alertname=ScopeUtilization', 'severity=warning', 'certificate_id=C1')).toBe('compliance-oncall');
    expect(await route('alertname=DeadLettersPresent', 'severity=warning')).toBe('platform-oncall');

    const alertmanager = await startAlertmanager({ configYaml: readFileSync(ALERTMANAGER_CONFIG, 'utf8') });
    try {
      const scope = { alertname: 'ScopeUtilization', processor_id: 'P1', certificate_id: 'C1', class: 'sensitive' };
      const endsAt = new Date(Date.now() + 600_000).toISOString();
      const post = await fetch(`${alertmanager.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { labels: { ...scope, severity: 'warning', level: '0.8' }, endsAt },
          { labels: { ...scope, severity: 'critical', level: '0.95' }, endsAt },
          // Processor-level early warnings: P8's critical level does not mute P9's warning.
          {
            labels: {
              alertname: 'PathwayThresholdApproaching',
              processor_id: 'P8',
              class: 'sensitive',
              year: '2026',
              severity: 'critical',
              level: '0.95',
            },
            endsAt,
          },
          {
            labels: {
              alertname: 'PathwayThresholdApproaching',
              processor_id: 'P9',
              class: 'sensitive',
              year: '2026',
              severity: 'warning',
              level: '0.8',
            },
            endsAt,
          },
        ]),
      });
      expect(post.status).toBe(200);
      const res = await fetch(`${alertmanager.url}/api/v2/alerts`);
      const alerts = (await res.json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
      const state = (level: string) => alerts.find((a) => a.labels.alertname === 'ScopeUtilization' && a.labels.level === level)?.status.state;
      expect(state('0.95')).toBe('active');
      expect(state('0.8')).toBe('suppressed');
      const processorState = (id: string) =>
        alerts.find((a) => a.labels.processor_id === id && a.labels.alertname === 'PathwayThresholdApproaching')?.status.state;
      expect(processorState('P8')).toBe('active');
      expect(processorState('P9')).toBe('active');
    } finally {
      await alertmanager.stop();
    }
  });
});

describe('Prometheus scraping the evaluator', () => {
  const rig = scrapedRigForSuite(new Date());
  beforeAll(async () => {
    await rig.declare(makeCertificate({ limits: { nonSensitive: 100, sensitive: 20 } }));
    // 96 of 100 today: past 95 %, and at this rate the cap falls within days (a forecast).
    await rig.ingest([makeEvent({ occurredAt: new Date(Date.now() - 60_000).toISOString(), subjects: subjects(96) })]);
    rig.metrics.deadLetters.inc({ reason: 'schema' }); // as Kafka ingest in the same process would
    await rig.evaluator.evaluateNow();
  });

  it('exports every SPEC §7 metric, clean for promtool check metrics', async () => {
    const text = await (await fetch(`${rig.server.url}/metrics`)).text();
    const check = await promtool(['check', 'metrics'], { stdin: text });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
    for (const name of SPEC_METRICS) await rig.prometheus.waitFor(name, undefined, 20_000);
    const [utilization] = (await rig.prometheus.query('pi_egress_utilization_ratio{class="non_sensitive"}')) as Array<{
      metric: Record<string, string>;
      value: [number, string];
    }>;
    expect(utilization?.metric).toMatchObject({
      processor_id: 'P1',
      certificate_id: 'CERT-1',
      class: 'non_sensitive',
      year: String(new Date().getUTCFullYear()),
    });
    expect(Number(utilization?.value[1])).toBeCloseTo(0.96);
    expect(text).not.toContain('person-');
  });

  it('loads the shipped rules and fires the metric-based alerts from the scraped metrics', async () => {
    const firing = await rig.prometheus.waitFor('ALERTS{alertstate="firing",alertname="ScopeUtilization",level="0.95"}', undefined, 20_000);
    expect((firing[0] as { metric: Record<string, string> }).metric).toMatchObject({
      severity: 'critical',
      processor_id: 'P1',
      certificate_id: 'CERT-1',
      class: 'non_sensitive',
    });
    await rig.prometheus.waitFor('ALERTS{alertstate="firing",alertname="ForecastCapBreach"}', undefined, 20_000);
    const rules = (await (await fetch(`${rig.prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded).toHaveLength(26);
    expect(loaded.filter((r) => r.health !== 'ok')).toEqual([]);
  });
});
