// Alert latency: from the ingest of the event that crosses a rule to that alert's arrival at an
// Alertmanager webhook (real Alertmanager 0.25, group_wait 0s), through the real store.
//
//   node test/dist/bench/alert-latency.js [samples]     (CLICKHOUSE_URL: use that server; otherwise an
//                                                         embedded engine in a temporary directory)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { openStore } from '@pi-egress/store';
import { makeCertificate, makeEvent, subjects, type EventOverrides } from '@pi-egress/testing/fixtures';
import { startAlertingRig, type AlertingRig } from '../harness/alerting-rig.js';

export interface LatencyRow {
  path: string;
  samples: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function markdownTable(rows: readonly LatencyRow[]): string {
  const lines = ['| path | samples | p50 ms | p90 ms | p99 ms | max ms |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const { path, samples } of rows) {
    const sorted = [...samples].sort((a, b) => a - b);
    const cells = [50, 90, 99, 100].map((p) => percentile(sorted, p).toFixed(0));
    lines.push(`| ${path} | ${sorted.length} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A certification transfer of processor P-BENCH under `certificateId`, occurred a second ago. */
function transfer(certificateId: string, eventId: string, overrides: EventOverrides = {}) {
  return makeEvent({
    eventId,
    certificateId,
    processorId: 'P-BENCH',
    occurredAt: new Date(Date.now() - 1_000).toISOString(),
    subjects: [{ id: `${eventId}@bench.example` }],
    ...overrides,
  });
}

/** Milliseconds from calling ingest to the webhook receiving the alert matching `labels`. */
async function measure(rig: AlertingRig, events: unknown[], labels: Record<string, string>): Promise<number> {
  const started = Date.now();
  await rig.ingest(events);
  const alert = await rig.webhook.waitFor((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v), 30_000);
  return alert.receivedAt - started;
}

export async function runAlertLatencyBench(clickhouseUrl: string, samples: number): Promise<LatencyRow[]> {
  const store = await openStore({ url: clickhouseUrl, database: `bench_alerts_${Date.now()}`, settleMs: 10_000 });
  // Production defaults: evaluation every 5 s besides the one after each write, 10 s count settle.
  const rig = await startAlertingRig({ store, now: new Date(), evaluator: { intervalMs: 5_000 } });
  const crossing: number[] = [];
  const outOfScope: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const certificateId = `CERT-B${i}`;
      rig.clock.now = new Date();
      await rig.declare(makeCertificate({ certificateId, processorId: 'P-BENCH', limits: { nonSensitive: 1_000, sensitive: 100 } }));
      await rig.ingest([transfer(certificateId, `${certificateId}-fill`, { subjects: subjects(799, `${certificateId}-fill`) })]);
      crossing.push(
        await measure(rig, [transfer(certificateId, `${certificateId}-cross`)], {
          alertname: 'ScopeUtilization',
          certificate_id: certificateId,
          level: '0.8',
        }),
      );
      outOfScope.push(
        await measure(rig, [transfer(certificateId, `${certificateId}-oos`, { recipient: { id: 'R1', country: 'US' } })], {
          alertname: 'OutOfScopeTransfer',
          certificate_id: certificateId,
          reason: 'country_not_in_scope',
        }),
      );
    }
  } finally {
    await rig.stop();
    await store.close();
  }
  return [
    { path: 'count crosses 80 % of the cap → ScopeUtilization at the webhook', samples: crossing },
    { path: 'out-of-scope transfer → OutOfScopeTransfer at the webhook', samples: outOfScope },
  ];
}

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 30);
  let url = process.env.CLICKHOUSE_URL;
  let cleanup = async () => {};
  if (!url) {
    const dataDir = await mkdtemp(join(tmpdir(), 'pi-egress-bench-'));
    const engine = await startEmbeddedClickHouse({ dataDir });
    url = engine.url;
    cleanup = async () => {
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  try {
    console.log(markdownTable(await runAlertLatencyBench(url, samples)));
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
