// Turns measurements into rows of the benchmark table, each against its target (issue 7).
import type { LatencyRow } from './admission-latency.js';
import type { IngestThroughput } from './http-ingest.js';
import type { ThroughputResult } from './ingest-throughput.js';
import type { ScopeScaleResult } from './many-scopes.js';
import type { MemoryRun } from './memory-settings.js';
import { perRead } from './query-log.js';
import type { Figure } from './report.js';
import { ms, p50p99, summarise, thousands, type Latency } from './stats.js';
import type { UsageLatency } from './usage-latency.js';

export function latencyFigure(figure: string, latency: Latency, baseline: string, p99TargetMs?: number): Figure {
  return {
    figure,
    measured: p50p99(latency),
    baseline,
    ...(p99TargetMs === undefined
      ? {}
      : { target: `p99 < ${p99TargetMs >= 1000 ? `${p99TargetMs / 1000} s` : `${p99TargetMs} ms`}`, met: latency.p99 < p99TargetMs }),
  };
}

export function httpIngestFigure(http: IngestThroughput): Figure {
  const ratio = http.recordsPerSecond / http.baselineRecordsPerSecond;
  return {
    figure: `HTTP ingest, POST /v1/events (${thousands(http.events)} events × 100 distinct people)`,
    measured: `${thousands(http.eventsPerSecond)} events/s, ${thousands(http.recordsPerSecond)} subject records/s`,
    baseline: `bare JSONEachRow insert of the same ${thousands(http.subjectRows)} subject rows, before and after: ${thousands(http.baselineRecordsPerSecond)} records/s (mean)`,
    versus: `${(ratio * 100).toFixed(0)} %`,
    target: '≥ 80 %',
    met: ratio >= 0.8,
  };
}

/** Where the cores went during the HTTP ingest: each process's CPU, and the engine's costliest queries. */
export function httpIngestProfile(http: IngestThroughput): string {
  const { monitor, engine, client } = http.cpu;
  const cores = (monitor + engine + client) / http.ingestSeconds;
  const queries = http.queries.map((q) => `${q.calls} × “${q.query.slice(0, 60)}…” ${(q.cpuMs / 1000).toFixed(2)} s`).join('; ');
  return `During the monitor's ${http.ingestSeconds.toFixed(1)} s of HTTP ingest the processes used ${monitor.toFixed(1)} s of CPU (monitor), ${engine.toFixed(1)} s (engine) and ${client.toFixed(1)} s (this benchmark's client): ${cores.toFixed(2)} of the machine's cores. The engine's costliest queries then (CPU): ${queries}.`;
}

const LEVEL_ROUTE = { certificate: 'certificates', processor: 'processors', group: 'groups' } as const;

const MB_PER_MIB = 1.048576;
const mb = (mib: number) => `${(mib * MB_PER_MIB).toFixed(0)} MB`;

/** The usage rows of one size: each level in each mode, then the do-it-yourself peer. */
export function usageFigures(usage: UsageLatency): Figure[] {
  const at = `${thousands(usage.individuals)} individuals`;
  const diy = usage.diy.latency;
  const baseline = `full exact count (usage.fullCount): ${p50p99(usage.fullCount)}; do-it-yourself uniqExact: ${diy ? p50p99(diy) : `failed (${usage.diy.error})`}`;
  const versus = (latency: Latency) => (diy ? `${(diy.p50 / latency.p50).toFixed(1)}× as fast as do-it-yourself (p50)` : '');
  const target = usage.individuals >= 10_000_000 ? 50 : undefined;
  const rows: Figure[] = [];
  for (const level of usage.levels) {
    const name = `Usage, ${level.level} level, ${at}`;
    rows.push({ ...latencyFigure(`${name}: store usage.individuals(), repeated reads`, level.store, baseline, target), versus: versus(level.store) });
    rows.push({ ...latencyFigure(`${name}: store, right after a write`, level.afterWrite, baseline, target), versus: versus(level.afterWrite) });
    rows.push({
      ...latencyFigure(`${name}: GET /v1/${LEVEL_ROUTE[level.level]}/:id/usage (viewer token)`, level.http, baseline, target),
      versus: versus(level.http),
    });
  }
  const serving = usage.servingRss.monitorMiB + usage.servingRss.engineMiB;
  rows.push({
    figure: `Whole monitor, peak RSS while serving the usage reads at ${at} (monitor + its engine child; engine cap raised to 8 GiB for the seed)`,
    measured: `${mb(serving)} (monitor ${mb(usage.servingRss.monitorMiB)} + engine ${mb(usage.servingRss.engineMiB)})`,
    baseline: 'peak reset after the seed was merged and checkpointed, read before the full-count and do-it-yourself queries',
    ...(usage.individuals >= 100_000_000 ? { target: '≤ 2 GB', met: serving * MB_PER_MIB <= 2_000 } : {}),
  });
  rows.push({
    figure: `Do-it-yourself peer at ${at}: raw MergeTree (scope, year, class, pseudonym), uniqExact per query`,
    measured: `${diy ? p50p99(diy) : `failed: ${usage.diy.error}`}; peak query memory ${mib(usage.diy.peakQueryBytes)}; ${mib(usage.diy.disk.bytes)} on disk for ${thousands(usage.diy.disk.rows)} rows (${(usage.diy.disk.bytes / Math.max(1, usage.diy.disk.rows)).toFixed(1)} B/row)`,
    baseline: `the monitor's subject table: ${mib(usage.oursDisk.bytes)} for ${thousands(usage.oursDisk.rows)} rows (${(usage.oursDisk.bytes / Math.max(1, usage.oursDisk.rows)).toFixed(1)} B/row, subject_first_seen, every scope of the run)`,
  });
  return rows;
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes >= 100 * 1024 ** 2 ? 0 : 1)} MiB`;

export function usageNote(usage: UsageLatency): string {
  const checkpoint =
    usage.checkpointSeconds === undefined
      ? 'recomputed by the monitor’s own evaluator first'
      : `recomputed in ${usage.checkpointSeconds.toFixed(2)} s`;
  return `Usage at ${thousands(usage.individuals)} individuals (certificate, processor and group level, ${thousands(3 * usage.individuals)} rows): seeded in ${usage.seedSeconds.toFixed(1)} s, its parts merged ${usage.mergeSeconds.toFixed(1)} s later (reads are measured after that: a real year's parts were merged long ago); checkpoint over the year ${checkpoint}; 1,000 people ingested after the checkpoint form the tail; the do-it-yourself table was filled in ${usage.diy.seedSeconds.toFixed(1)} s. Engine profile (system.query_log): ${usage.levels
    .map(
      (level) =>
        `${level.level} GET /usage: ${perRead(level.engine.http, level.http.samples)}; ${level.level} right after a write (the write's own insert and the evaluation it starts included): ${perRead(level.engine.afterWrite, level.afterWrite.samples)}`,
    )
    .join('. ')}.`;
}

/** How each read's cost grows with the people of one processor-year: one column per size. */
export function scalingTable(usages: readonly UsageLatency[]): string {
  const sizes = usages.map((u) => thousands(u.individuals));
  const lines = [`| read (p50 / p99 ms) | ${sizes.join(' | ')} |`, `| --- |${sizes.map(() => ' ---: |').join('')}`];
  const cell = (latency: Latency) => `${ms(latency.p50)} / ${ms(latency.p99)}`;
  const row = (name: string, pick: (u: UsageLatency) => Latency) => lines.push(`| ${name} | ${usages.map((u) => cell(pick(u))).join(' | ')} |`);
  for (const level of usages[0]?.levels.map((l) => l.level) ?? []) {
    const of = (u: UsageLatency) => u.levels.find((l) => l.level === level)!;
    row(`${level}: repeated`, (u) => of(u).store);
    row(`${level}: right after a write`, (u) => of(u).afterWrite);
    row(`${level}: GET /usage`, (u) => of(u).http);
  }
  row('baseline: full exact count', (u) => u.fullCount);
  lines.push(`| peer: do-it-yourself uniqExact | ${usages.map((u) => (u.diy.latency ? cell(u.diy.latency) : 'failed')).join(' | ')} |`);
  lines.push(`| seeding inside the engine (3 levels), s | ${usages.map((u) => u.seedSeconds.toFixed(1)).join(' | ')} |`);
  lines.push(`| subject table on disk after the seed (system.parts, every scope so far) | ${usages.map((u) => mib(u.oursDisk.bytes)).join(' | ')} |`);
  lines.push(
    `| whole monitor peak RSS while serving the reads (monitor + engine) | ${usages.map((u) => mb(u.servingRss.monitorMiB + u.servingRss.engineMiB)).join(' | ')} |`,
  );
  lines.push(`| do-it-yourself table on disk (one scope) | ${usages.map((u) => mib(u.diy.disk.bytes)).join(' | ')} |`);
  return lines.join('\n');
}

/** The whole monitor a user runs: the Node process and its engine child, peak RSS of each and their sum. */
export function memoryFigure(run: MemoryRun, individuals: number): Figure {
  const sum = run.peak.monitorMiB + run.peak.engineMiB;
  return {
    figure: `Whole monitor, peak RSS after ingesting ${thousands(individuals)} distinct individuals over HTTP (monitor + its engine child)`,
    measured: `${mb(sum)} (monitor ${mb(run.peak.monitorMiB)} + engine ${mb(run.peak.engineMiB)})`,
    baseline: `the same processes when ready, nothing ingested: ${mb(run.ready.monitorMiB + run.ready.engineMiB)} (monitor ${mb(run.ready.monitorMiB)} + engine ${mb(run.ready.engineMiB)})`,
    versus: `ingest at ${thousands(run.recordsPerSecond)} records/s`,
    target: '≤ 600 MB',
    met: sum * MB_PER_MIB <= 600,
  };
}

/** Many scopes against one certificate, same workload, same run. */
export function scopeFigures({ single, many }: { single: ScopeScaleResult; many: ScopeScaleResult }): Figure[] {
  const layout = `${thousands(many.certificates)} certificates, ${many.processors} processors, ${many.groups} groups`;
  const one = (latency: Latency) => `one certificate: ${p50p99(latency)}`;
  const ratio = many.eventsPerSecond / single.eventsPerSecond;
  return [
    latencyFigure(`${layout}: evaluation cycle while rounds of events reach every certificate`, many.evaluation, one(single.evaluation), 1_000),
    {
      ...latencyFigure(`${layout}: /metrics scrape`, many.scrape, one(single.scrape), 200),
      versus: `${thousands(many.scrapeBytes)} bytes vs ${thousands(single.scrapeBytes)}`,
    },
    latencyFigure(`${layout}: admission check (POST /v1/admission, 10 subjects)`, many.admission, one(single.admission), 50),
    {
      figure: `${layout}: HTTP ingest (${thousands(many.events)} events × 20 people, round robin)`,
      measured: `${thousands(many.eventsPerSecond)} events/s`,
      baseline: `the same events under one certificate: ${thousands(single.eventsPerSecond)} events/s`,
      versus: `${(ratio * 100).toFixed(0)} %`,
      target: '≥ 90 %',
      met: ratio >= 0.9,
    },
  ];
}

export function kafkaIngestFigure(r: ThroughputResult): Figure {
  const ratio = r.subjectRows / r.pipelineSeconds / (r.baselineRows / r.baselineSeconds);
  return {
    figure: `Kafka ingest → counted (${thousands(r.messages)} messages, ${thousands(r.events)} distinct events, duplicates and resends; mean of two runs)`,
    measured: `${thousands(r.events / r.pipelineSeconds)} events/s, ${thousands(r.subjectRecords / r.pipelineSeconds)} subject records/s, ${thousands(r.subjectRows / r.pipelineSeconds)} rows/s`,
    baseline: `bare JSONEachRow insert of the same ${thousands(r.baselineRows)} subject rows after each run: ${r.baselineRuns.map((s) => thousands(r.baselineRows / s)).join(', ')} rows/s`,
    versus: `${(ratio * 100).toFixed(0)} % (runs: ${r.pipelineRuns.map((s, i) => `${((r.baselineRuns[i]! / s) * 100).toFixed(0)} %`).join(', ')})`,
    target: '≥ 80 %',
    met: ratio >= 0.8,
  };
}

/** The admission rows, each against the bare ClickHouse round trip measured beside them. */
export function admissionFigures(rows: readonly LatencyRow[]): Figure[] {
  const baselineRow = rows.find((row) => row.path.includes('SELECT 1'));
  const baseline = baselineRow ? `ClickHouse SELECT 1 round trip: ${p50p99(summarise(baselineRow.samples))}` : '';
  return rows
    .filter((row) => !row.path.startsWith('baseline'))
    .map((row) => latencyFigure(`Admission check (POST /v1/admission), ${row.path.replace(/^admission, /, '')}`, summarise(row.samples), baseline));
}
