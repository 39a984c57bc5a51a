// Zero is a value: a freshly started monitor with no traffic at all, scraped by a real
// Prometheus, shows 0 (not "No data") on the pipeline dashboard's dead-letter and store-error
// panels, for every dead-letter reason and every store operation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboards, queriesOf, substituteVariables } from '../harness/grafana-dashboards.js';
import { startPrometheus, type PrometheusInstance } from '../harness/prometheus.js';
import { clickhouseUrl, type MonitorProcess, startMonitorProcess } from '@pi-egress/testing';

// Worked out from the code paths that can fail, not read from metrics.ts: the refusals of
// SPEC §3 (and the store refusing a row) for a dead letter, and the retried store operations
// of ingest and evaluator.
const REASONS = ['future_timestamp', 'invalid_text', 'not_json', 'not_utf8', 'occurred_at_out_of_range', 'oversized', 'schema', 'store_refused'];
const OPERATIONS = ['checkpoint', 'evaluate', 'write'];
const PANELS = ['Dead letters in range', 'Store errors in range', 'Dead letters and store errors per second'];
const VALUES = { job: '.+', __range: '1m', __rate_interval: '15s' };

type Sample = { metric: Record<string, string>; value: [number, string] };

describe('a fresh monitor with no traffic', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-zero-'));
  let monitor: MonitorProcess;
  let prometheus: PrometheusInstance;

  beforeAll(async () => {
    monitor = await startMonitorProcess({
      EGRESS_DATA_DIR: dataDir,
      CLICKHOUSE_URL: clickhouseUrl(),
      CLICKHOUSE_DATABASE: `zero_${process.pid}_${Date.now()}`,
      EGRESS_SUBJECT_KEY: 'zero-panels-test-subject-key',
    });
    prometheus = await startPrometheus({ scrapeTargets: [new URL(monitor.url).host] });
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    await monitor?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows 0 on the dead-letter and store-error panels, one series per reason and operation', async () => {
    const [pipeline] = loadDashboards().filter((d) => d.dashboard.uid === 'pi-egress-pipeline');
    const queries = queriesOf(pipeline!.dashboard).filter((q) => PANELS.includes(q.panel.title));
    expect(queries.map((q) => q.panel.title).sort()).toEqual([...PANELS, PANELS[2]].sort()); // the time series has two queries
    for (const { panel, target } of queries) {
      const expr = substituteVariables(target.expr!, VALUES);
      const label = /dead_letters/.test(expr) ? 'reason' : 'operation';
      const expected = label === 'reason' ? REASONS : OPERATIONS;
      // increase()/rate() need two scrapes inside the window.
      const result = (await prometheus.waitFor(expr, (r) => r.length === expected.length, 60_000)) as Sample[];
      expect(result.map((s) => s.metric[label]).sort(), panel.title).toEqual(expected);
      expect(
        result.map((s) => Number(s.value[1])),
        panel.title,
      ).toEqual(expected.map(() => 0));
    }
  }, 120_000);
});
