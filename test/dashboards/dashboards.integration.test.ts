// Every panel query of every dashboard, run for real: a real Prometheus (with the shipped recording
// and alerting rules) scrapes the built all-in-one monitor, which ingests over HTTP and Kafka; the
// ClickHouse panels' SQL runs on the monitor's database in the real engine. Grafana itself is not
// available here: the queries are sent the way Grafana sends them (variables resolved through
// Prometheus, macros expanded) and each must succeed and return data.
import type { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, makeEvent, type MonitorProcess, startMonitorProcess, subjects } from '@pi-egress/testing';
import {
  CLICKHOUSE_PLUGIN,
  dashboardsDir,
  expandClickHouseMacros,
  loadDashboards,
  PROMETHEUS_PLUGIN,
  queriesOf,
  substituteVariables,
  variableQuery,
  type Dashboard,
} from '../harness/grafana-dashboards.js';
import { MOCK_TUNING_ENV } from '../harness/ingest-kafka.js';
import { startEventsMock, type KafkaMock } from '../harness/kafka-mock.js';
import { pollUntil, sleep } from '../harness/process.js';
import { startPrometheus, type PrometheusInstance } from '../harness/prometheus.js';

const RULES = join(dashboardsDir(), '..', 'deploy', 'prometheus', 'pi-egress.rules.yml');
const TOPIC = 'dash.events';
const DLQ = 'dash.events.dlq';
const DAY_MS = 86_400_000;
const BUILTINS = { __rate_interval: '15s', __interval: '15s', __range: '1h' };

const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const certificates = [
  // Small caps: 85 % non-sensitive utilisation fires ScopeUtilization, recent growth gives a forecast.
  makeCertificate({ certificateId: 'CERT-DASH-A', processorId: 'P-DASH-A', groupId: 'G-DASH', limits: { nonSensitive: 100, sensitive: 10 } }),
  makeCertificate({ certificateId: 'CERT-DASH-B', processorId: 'P-DASH-B', groupId: 'G-DASH' }),
];
const seedEvents = [
  makeEvent({ processorId: 'P-DASH-A', certificateId: 'CERT-DASH-A', occurredAt: '2026-03-10T02:00:00Z', subjects: subjects(40, 'dash') }),
  makeEvent({ processorId: 'P-DASH-A', certificateId: 'CERT-DASH-A', occurredAt: daysAgo(3), subjects: subjects(45, 'dash', 40), system: 'crm' }),
  makeEvent({
    processorId: 'P-DASH-A',
    certificateId: 'CERT-DASH-A',
    occurredAt: daysAgo(2),
    categories: ['name', 'health'],
    subjects: subjects(5, 'dash'),
  }),
  makeEvent({ processorId: 'P-DASH-A', certificateId: 'CERT-DASH-A', occurredAt: daysAgo(1), purpose: 'marketing', subjects: subjects(3, 'dash') }),
  makeEvent({ processorId: 'P-DASH-B', certificateId: 'CERT-DASH-B', occurredAt: daysAgo(5), subjects: subjects(60, 'dash', 20) }),
];

describe('Grafana dashboards against a real Prometheus scraping the running monitor', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-dashboards-'));
  const database = `dash_${randomBytes(4).toString('hex')}`;
  let mock: KafkaMock;
  let kafka: Kafka;
  let monitor: MonitorProcess;
  let prometheus: PrometheusInstance;
  let trafficRunning = true;
  let traffic: Promise<void>;

  const call = (role: string, method: string, path: string, body?: unknown) =>
    fetch(`${monitor.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${monitor.tokens[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** A trickle of HTTP and Kafka ingest (and a dead letter now and then) so that rates have data. */
  async function keepTrafficFlowing(producer: ReturnType<Kafka['producer']>): Promise<void> {
    for (let tick = 0; trafficRunning; tick++) {
      const event = makeEvent({
        processorId: 'P-DASH-B',
        certificateId: 'CERT-DASH-B',
        occurredAt: daysAgo(0.01),
        subjects: subjects(3, 'trickle', tick),
      });
      await call('ingest', 'POST', '/v1/events', [event]);
      const value = tick % 5 === 0 ? Buffer.from('{not json') : Buffer.from(JSON.stringify({ ...event, eventId: `kafka-${event.eventId}` }));
      await producer.send({ topic: TOPIC, messages: [{ key: `trickle-${tick}`, value }] });
      await sleep(1_000);
    }
  }

  beforeAll(async () => {
    ({ mock, kafka } = await startEventsMock('dashboards-test', { topic: TOPIC, partitions: 3, dlq: DLQ, dlqPartitions: 1 }));
    monitor = await startMonitorProcess({
      ...MOCK_TUNING_ENV,
      EGRESS_DATA_DIR: dataDir,
      CLICKHOUSE_URL: clickhouseUrl(),
      CLICKHOUSE_DATABASE: database,
      EGRESS_COUNT_SETTLE_MS: '0',
      EGRESS_EVAL_INTERVAL_MS: '1000',
      EGRESS_SUBJECT_KEY: 'dashboards-test-subject-key',
      KAFKA_BROKERS: mock.bootstrap,
      EGRESS_TOPIC: TOPIC,
      EGRESS_DLQ_TOPIC: DLQ,
      EGRESS_GROUP_ID: 'dashboards-test',
    });
    for (const certificate of certificates) {
      expect((await call('admin', 'PUT', `/v1/certificates/${certificate.certificateId as string}`, certificate)).status).toBe(200);
    }
    const seeded = (await (await call('ingest', 'POST', '/v1/events', seedEvents)).json()) as { accepted: number };
    expect(seeded.accepted).toBe(seedEvents.length);
    const producer = kafka.producer();
    await producer.connect();
    traffic = keepTrafficFlowing(producer).finally(() => producer.disconnect());
    prometheus = await startPrometheus({ scrapeTargets: [new URL(monitor.url).host], ruleFiles: [RULES] });
    // The evaluator's gauges and the rules' recordings, up to the forecast and the alerts.
    await prometheus.waitFor('certificate_class:pi_egress_forecast_cap_timestamp_seconds:min{certificate_id="CERT-DASH-A"}', undefined, 60_000);
    await prometheus.waitFor('pi_egress_alerts_firing > 0', undefined, 30_000);
    await prometheus.waitFor('pi_egress_dead_letters_total', undefined, 30_000);
  }, 180_000);

  afterAll(async () => {
    trafficRunning = false;
    await traffic?.catch(() => undefined);
    await prometheus?.stop();
    await monitor?.stop();
    await mock?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Values of the dashboard's query variables, resolved through Prometheus like Grafana does. */
  async function variableValues(dashboard: Dashboard): Promise<Record<string, string>> {
    const values: Record<string, string> = { ...BUILTINS };
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(variableQuery(variable));
      expect(match, `${dashboard.uid} variable ${variable.name}: label_values(metric, label)`).not.toBeNull();
      const [, metric, label] = match!;
      const response = await fetch(`${prometheus.url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': metric! })}`);
      const found = ((await response.json()) as { data: string[] }).data;
      expect(found.length, `${dashboard.uid} variable ${variable.name} has values`).toBeGreaterThan(0);
      // The certificate with every kind of data; a multi-value variable as "All".
      values[variable.name] =
        variable.includeAll && variable.allValue ? variable.allValue : found.includes('CERT-DASH-A') ? 'CERT-DASH-A' : found[0]!;
    }
    return values;
  }

  /** Rows of the monitor's database for one SQL panel query (JSONEachRow over HTTP). */
  async function clickhouseRows(sql: string): Promise<unknown[]> {
    const response = await fetch(`${clickhouseUrl()}/?database=${database}`, { method: 'POST', body: `${sql}\nFORMAT JSONEachRow` });
    const text = await response.text();
    if (!response.ok) throw new Error(`ClickHouse: ${text}\nin:\n${sql}`);
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
  }

  const hasFiniteValue = (result: unknown[]) =>
    result.some((series) => {
      const { value, values } = series as { value?: [number, string]; values?: Array<[number, string]> };
      return [...(value ? [value] : []), ...(values ?? [])].some(([, v]) => Number.isFinite(Number(v)));
    });

  for (const { file, dashboard } of loadDashboards()) {
    it(`${file}: every Prometheus panel query succeeds and returns data`, async () => {
      const values = await variableValues(dashboard);
      const queries = queriesOf(dashboard).filter((q) => q.plugin === PROMETHEUS_PLUGIN);
      expect(queries.length).toBeGreaterThan(0);
      for (const { panel, target } of queries) {
        const expr = substituteVariables(target.expr!, values);
        expect(expr, `${panel.title}: unresolved variable`).not.toMatch(/\$/);
        await prometheus.query(expr); // a syntax or evaluation error fails at once
        const result = await prometheus.waitFor(expr, hasFiniteValue, 30_000).catch((error: Error) => {
          throw new Error(`panel "${panel.title}" ${target.refId} returned no data: ${error.message}`);
        });
        expect(result.length, panel.title).toBeGreaterThan(0);
      }
    }, 120_000);

    it(`${file}: every ClickHouse panel query runs on the monitor's database and returns rows`, async () => {
      const values = await variableValues(dashboard);
      const now = Math.floor(Date.now() / 1000);
      const range = { from: Math.floor(Date.parse('2026-01-01T00:00:00+08:00') / 1000), to: now };
      for (const { panel, target } of queriesOf(dashboard).filter((q) => q.plugin === CLICKHOUSE_PLUGIN)) {
        const sql = expandClickHouseMacros(substituteVariables(target.rawSql!, values), range);
        await clickhouseRows(sql); // an SQL error fails at once
        await pollUntil(async () => ((await clickhouseRows(sql)).length > 0 ? true : undefined), {
          timeoutMs: 30_000,
          description: `rows for ClickHouse panel "${panel.title}"`,
        });
      }
    }, 120_000);
  }
});
