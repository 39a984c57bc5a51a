// `npm run bench`: every figure of issue 7 with its same-run baseline → a markdown table, printed
// and written to BENCHMARKS.md with the machine it ran on. `--quick` runs smaller sizes (~3 min).
import { yearOf } from '@pi-egress/domain';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { sleep, testPackageRoot } from '../harness/process.js';
import { runAlertLatencyBench } from './alert-latency.js';
import { withBenchEngine } from './bench-engine.js';
import { measureFreshness, metricsCatchUp } from './freshness.js';
import { measureHttpIngest } from './http-ingest.js';
import { describeMachine } from './machine.js';
import { BENCH_SETTLE_MS, engineVersion, peakRss, startMonitorRig } from './monitor-rig.js';
import { benchmarksMarkdown, markdownTable, writeBenchmarks, type Figure } from './report.js';
import { summarise, thousands } from './stats.js';
import { runAdmissionLatencyBench } from './admission-latency.js';
import { runIngestThroughputBench } from './ingest-throughput.js';
import { admissionFigures, httpIngestFigure, kafkaIngestFigure, latencyFigure, rssFigure, usageFigures, usageNote } from './figures.js';
import { measureUsageLatency } from './usage-latency.js';

const quick = process.argv.includes('--quick');
const SIZES = quick
  ? { httpRecords: 100_000, usage: [200_000, 1_000_000], usageSamples: 50, afterWrite: 10, baselineSamples: 3, freshness: 10, alerts: 5, kafkaRecords: 100_000, admission: 50, admissionKnown: 100_000 }
  : { httpRecords: 1_000_000, usage: [1_000_000, 10_000_000], usageSamples: 200, afterWrite: 40, baselineSamples: 10, freshness: 30, alerts: 20, kafkaRecords: 400_000, admission: 300, admissionKnown: 1_000_000 };

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function monitorFigures(year: number, figures: Figure[], notes: string[]): Promise<string> {
  log('starting the all-in-one monitor (embedded engine, mock Kafka)');
  const rig = await startMonitorRig();
  try {
    log(`HTTP ingest of ${thousands(SIZES.httpRecords)} distinct people`);
    const http = await measureHttpIngest(rig, { records: SIZES.httpRecords, year, certificateId: 'C-HTTP', processorId: 'P-HTTP' });
    figures.push(httpIngestFigure(http));
    const catchUpMs = await metricsCatchUp(rig, 'C-HTTP', SIZES.httpRecords);
    notes.push(
      `After the HTTP burst (${thousands(SIZES.httpRecords)} new people in ${(SIZES.httpRecords / http.recordsPerSecond).toFixed(0)} s), /metrics showed all of them ${(catchUpMs / 1000).toFixed(1)} s after the last request: the first evaluations look each new person up once. Freshness is measured after that, in steady state.`,
    );
    await sleep(BENCH_SETTLE_MS); // the burst's checkpoint steps, as in steady state

    log('freshness: produced to Kafka → visible');
    const fresh = await measureFreshness(rig, { samples: SIZES.freshness, year });
    figures.push(latencyFigure('Freshness: produced to Kafka → visible in GET /usage', fresh.usage, 'none (end-to-end); usage polled every 10 ms', 2_000));
    figures.push(latencyFigure('Freshness: produced to Kafka → visible in /metrics', fresh.metrics, 'none (end-to-end); scraped every 10 ms', 2_000));
    figures.push(rssFigure(peakRss(rig), rig.readyRss, SIZES.httpRecords));

    for (const individuals of SIZES.usage) {
      log(`usage query latency at ${thousands(individuals)} individuals (seeded inside the engine)`);
      const usage = await measureUsageLatency(rig, { individuals, year, samples: SIZES.usageSamples, afterWriteSamples: SIZES.afterWrite, baselineSamples: SIZES.baselineSamples, tail: 1_000 });
      figures.push(...usageFigures(usage));
      notes.push(usageNote(usage));
    }
    const end = peakRss(rig);
    notes.push(`Peak RSS at the end of the run, after the usage seeds too: monitor ${end.monitorMiB.toFixed(0)} MiB, engine ${end.engineMiB.toFixed(0)} MiB.`);
    return await engineVersion(rig);
  } finally {
    await rig.stop();
  }
}

/** Runs one benchmark; a failure becomes a row of the table instead of losing the others. */
async function attempt(name: string, figures: Figure[], run: () => Promise<Figure[]>): Promise<void> {
  log(name);
  try {
    figures.push(...(await run()));
  } catch (error) {
    console.error(error);
    figures.push({ figure: name, measured: `failed: ${error instanceof Error ? error.message : String(error)}`, baseline: '' });
  }
}

async function engineFigures(figures: Figure[]): Promise<void> {
  await withBenchEngine(async (url) => {
    await attempt(`Kafka ingest of ${thousands(SIZES.kafkaRecords)} subject records (ingest service, mock broker)`, figures, async () => [
      kafkaIngestFigure(await runIngestThroughputBench(url, SIZES.kafkaRecords, 1)),
    ]);
    await attempt(`admission latency (${SIZES.admission} samples, ${thousands(SIZES.admissionKnown)} people counted)`, figures, async () =>
      admissionFigures(await runAdmissionLatencyBench(url, SIZES.admission, SIZES.admissionKnown)),
    );
    await attempt(`alert latency (${SIZES.alerts} samples per path, real Alertmanager)`, figures, async () =>
      (await runAlertLatencyBench(url, SIZES.alerts)).map((row) =>
        latencyFigure(`Alert latency: ${row.path}`, summarise(row.samples), 'Alertmanager group_wait 0 s', 5_000),
      ),
    );
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const year = yearOf(startedAt);
  const figures: Figure[] = [];
  const notes: string[] = [];
  const loadAtStart = loadavg()[0]!;
  const engineVersion = await monitorFigures(year, figures, notes);
  await engineFigures(figures);
  notes.push(
    `Load average (1 min) at the start ${loadAtStart.toFixed(1)} and at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores: other work shared the machine, so latencies carry its noise.`,
  );
  const markdown = benchmarksMarkdown({
    figures,
    notes,
    machine: describeMachine(engineVersion),
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
    startedAt,
    durationS: (Date.now() - startedAt.getTime()) / 1000,
  });
  console.log(`\n${markdownTable(figures)}\n`);
  const path = join(testPackageRoot(), '..', 'BENCHMARKS.md');
  writeBenchmarks(path, markdown);
  log(`wrote ${path}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
