// `npm run bench`: every figure of issues 7 and 13 with its same-run baseline → a markdown table,
// printed and written to BENCHMARKS.md with the machine it ran on and a scaling table.
// `--quick` runs smaller sizes (~3 min); `--scale 100m` adds 100,000,000 people in one
// processor-year (seeded inside the engine; about an hour and ~30 GB of disk). `--only many-scopes`
// (or a comma-separated list of SECTIONS) runs those benchmarks alone and prints their figures
// without writing BENCHMARKS.md (a partial table would replace the whole one).
import { yearOf } from '@pi-egress/domain';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sleep, testPackageRoot } from '../harness/process.js';
import { runAdmissionLatencyBench } from './admission-latency.js';
import { runAlertLatencyBench } from './alert-latency.js';
import { withBenchEngine } from './bench-engine.js';
import {
  admissionFigures,
  httpIngestFigure,
  httpIngestProfile,
  kafkaIngestFigure,
  latencyFigure,
  memoryFigure,
  scalingTable,
  scopeFigures,
  usageFigures,
  usageNote,
} from './figures.js';
import { measureFreshness, metricsCatchUp } from './freshness.js';
import { measureHttpIngest } from './http-ingest.js';
import { runIngestThroughputBench } from './ingest-throughput.js';
import { describeMachine } from './machine.js';
import { runManyScopesBench } from './many-scopes.js';
import { measureMonitorMemory } from './memory-settings.js';
import { perRead } from './query-log.js';
import { BENCH_SETTLE_MS, engineVersion, peakRss, startMonitorRig } from './monitor-rig.js';
import { benchmarksMarkdown, markdownTable, writeBenchmarks, type Figure } from './report.js';
import { summarise, thousands } from './stats.js';
import { measureUsageLatency, type UsageLatency } from './usage-latency.js';

const SECTIONS = ['monitor', 'memory', 'kafka', 'many-scopes', 'admission', 'alerts'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, scale: { type: 'string' }, only: { type: 'string' } } });
const quick = args.quick === true;
const hundredMillion = args.scale?.toLowerCase() === '100m';
const only = args.only?.split(',').map((name) => name.trim());
const unknownSection = only?.find((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknownSection !== undefined) {
  console.error(`--only ${unknownSection}: use one or more of ${SECTIONS.join(', ')} (comma-separated)`);
  process.exit(2);
}
const runs = (section: Section) => only === undefined || only.includes(section);
const SIZES = quick
  ? {
      httpRecords: 100_000,
      usage: [200_000, 1_000_000],
      usageSamples: 50,
      afterWrite: 10,
      baselineSamples: 3,
      freshness: 10,
      alerts: 5,
      kafkaRecords: 100_000,
      admission: 50,
      admissionKnown: 100_000,
      memoryRecords: 200_000,
      scopes: { certificates: 200, processors: 50, groups: 5, events: 1_000, rounds: 3 },
    }
  : {
      httpRecords: 1_000_000,
      usage: [1_000_000, 10_000_000, ...(hundredMillion ? [100_000_000] : [])],
      usageSamples: 200,
      afterWrite: 40,
      baselineSamples: 3,
      freshness: 30,
      alerts: 20,
      kafkaRecords: 400_000,
      admission: 300,
      admissionKnown: 1_000_000,
      memoryRecords: 1_000_000,
      scopes: { certificates: 2_000, processors: 500, groups: 50, events: 4_000, rounds: 5 },
    };

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function monitorFigures(year: number, figures: Figure[], notes: string[], usages: UsageLatency[]): Promise<string> {
  log('starting the all-in-one monitor (embedded engine, mock Kafka)');
  // Seeding 10M-100M people inside the engine and the do-it-yourself peer's uniqExact over them
  // need more than the monitor's own memory cap: this monitor's engine gets 8 GiB, and its query
  // log for the engine profiles (the memory figure is measured on a fresh monitor with the defaults).
  const rig = await startMonitorRig({ EGRESS_ENGINE_SETTINGS: `max_server_memory_usage=${8 * 1024 ** 3}` }, { queryLog: true });
  try {
    log(`HTTP ingest of ${thousands(SIZES.httpRecords)} distinct people between two bare inserts`);
    const http = await measureHttpIngest(rig, { records: SIZES.httpRecords, year, certificateId: 'C-HTTP', processorId: 'P-HTTP' });
    figures.push(httpIngestFigure(http));
    const catchUpMs = await metricsCatchUp(rig, 'C-HTTP', SIZES.httpRecords);
    notes.push(
      `After the HTTP burst (${thousands(SIZES.httpRecords)} new people in ${(SIZES.httpRecords / http.recordsPerSecond).toFixed(0)} s), /metrics showed all of them ${(catchUpMs / 1000).toFixed(1)} s later. The bare insert ran before and after it: ${http.baselineRuns.map(thousands).join(' and ')} records/s. ${httpIngestProfile(http)}`,
    );
    await sleep(BENCH_SETTLE_MS); // the burst's checkpoint steps, as in steady state

    log('freshness: produced to Kafka → visible');
    const fresh = await measureFreshness(rig, { samples: SIZES.freshness, year });
    figures.push(
      latencyFigure('Freshness: produced to Kafka → visible in GET /usage', fresh.usage, 'none (end-to-end); usage polled every 10 ms', 2_000),
    );
    figures.push(latencyFigure('Freshness: produced to Kafka → visible in /metrics', fresh.metrics, 'none (end-to-end); scraped every 10 ms', 2_000));

    for (const individuals of SIZES.usage) {
      const large = individuals >= 100_000_000;
      // A size that fails (disk, memory, time) becomes a row; the sizes measured keep their figures.
      await attempt(
        `usage latency at ${thousands(individuals)} individuals, three levels (seeded inside the engine), beside the do-it-yourself peer`,
        figures,
        async () => {
          const usage = await measureUsageLatency(rig, {
            individuals,
            year,
            samples: individuals < 10_000_000 ? SIZES.usageSamples / 2 : SIZES.usageSamples,
            afterWriteSamples: SIZES.afterWrite,
            baselineSamples: large ? 2 : SIZES.baselineSamples,
            tail: 1_000,
          });
          usages.push(usage);
          notes.push(usageNote(usage));
          return individuals >= 10_000_000 || quick ? usageFigures(usage) : [];
        },
      );
    }
    const end = peakRss(rig);
    notes.push(
      `The monitor of the ingest, freshness and usage figures ran with max_server_memory_usage raised to 8 GiB for the seeds and the do-it-yourself peer; its peak RSS at the end: monitor ${end.monitorMiB.toFixed(0)} MiB, engine ${end.engineMiB.toFixed(0)} MiB. The memory figure is a fresh monitor with the defaults.`,
    );
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

async function engineFigures(figures: Figure[], notes: string[]): Promise<void> {
  await withBenchEngine(async (url) => {
    if (runs('kafka'))
      await attempt(
        `Kafka ingest of ${thousands(SIZES.kafkaRecords)} subject records, twice, each followed by the bare insert`,
        figures,
        async () => [kafkaIngestFigure(await runIngestThroughputBench(url, SIZES.kafkaRecords))],
      );
    const { scopes } = SIZES;
    if (runs('many-scopes'))
      await attempt(
        `many scopes: ${thousands(scopes.certificates)} certificates over ${scopes.processors} processors in ${scopes.groups} groups, against one`,
        figures,
        async () => {
          const result = await runManyScopesBench(url, scopes, { events: scopes.events, cycles: scopes.rounds, scrapes: 50, admissions: 100 });
          notes.push(
            `Many scopes: declared through the store in ${result.many.declareSeconds.toFixed(1)} s; the first evaluation cycle after the burst of ${thousands(scopes.events)} events (every scope's tail is the burst, the checkpoints not taken yet) took ${(result.many.catchUpMs / 1000).toFixed(1)} s (one certificate: ${(result.single.catchUpMs / 1000).toFixed(1)} s). Costliest engine queries during the steady-state cycles (system.query_log): ${result.many.queries
              .slice(0, 3)
              .map((q) => `${q.calls} × \`${q.query.slice(0, 70)}…\` ${(q.totalMs / 1000).toFixed(1)} s`)
              .join(
                '; ',
              )}. Admission checks (${result.many.admission.samples}, one after another): ${perRead(result.many.admissionQueries, result.many.admission.samples)}; ${result.many.cyclesDuringAdmission.count} evaluation cycles ran meanwhile (${(result.many.cyclesDuringAdmission.ms / 1000).toFixed(1)} s of cycles in the checks' ${(result.many.cyclesDuringAdmission.phaseMs / 1000).toFixed(1)} s); with one certificate: ${perRead(result.single.admissionQueries, result.single.admission.samples)}, ${result.single.cyclesDuringAdmission.count} cycles.`,
          );
          return scopeFigures(result);
        },
      );
    if (runs('admission'))
      await attempt(`admission latency (${SIZES.admission} samples, ${thousands(SIZES.admissionKnown)} people counted)`, figures, async () =>
        admissionFigures(await runAdmissionLatencyBench(url, SIZES.admission, SIZES.admissionKnown)),
      );
    if (runs('alerts'))
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
  const usages: UsageLatency[] = [];
  const loadAtStart = loadavg()[0]!;
  const engineVersion = runs('monitor') ? await monitorFigures(year, figures, notes, usages) : 'not started (--only)';
  if (runs('memory'))
    await attempt(`whole-monitor memory at ${thousands(SIZES.memoryRecords)} people (a fresh monitor, HTTP ingest only)`, figures, async () => [
      memoryFigure(await measureMonitorMemory(SIZES.memoryRecords), SIZES.memoryRecords),
    ]);
  if (runs('kafka') || runs('many-scopes') || runs('admission') || runs('alerts')) await engineFigures(figures, notes);
  notes.push(
    `Load average (1 min) at the start ${loadAtStart.toFixed(1)} and at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores: other work shared the machine, so latencies carry its noise.`,
  );
  const markdown = benchmarksMarkdown({
    figures,
    scaling: scalingTable(usages),
    notes,
    machine: describeMachine(engineVersion),
    command: `npm run bench${quick ? ' -- --quick' : hundredMillion ? ' -- --scale 100m' : ''}`,
    startedAt,
    durationS: (Date.now() - startedAt.getTime()) / 1000,
  });
  console.log(`\n${markdownTable(figures)}\n`);
  if (only !== undefined) {
    console.log(notes.map((note) => `- ${note}`).join('\n'));
    return;
  }
  const path = join(testPackageRoot(), '..', 'BENCHMARKS.md');
  writeBenchmarks(path, markdown);
  log(`wrote ${path}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
