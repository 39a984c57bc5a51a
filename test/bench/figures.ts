// Turns measurements into rows of the benchmark table, each against its target (issue 7).
import type { LatencyRow } from './admission-latency.js';
import type { IngestThroughput } from './http-ingest.js';
import type { ThroughputResult } from './ingest-throughput.js';
import type { PeakRss } from './monitor-rig.js';
import type { Figure } from './report.js';
import { p50p99, summarise, thousands, type Latency } from './stats.js';
import type { UsageLatency } from './usage-latency.js';

export function latencyFigure(figure: string, latency: Latency, baseline: string, p99TargetMs?: number): Figure {
  return {
    figure,
    measured: p50p99(latency),
    baseline,
    ...(p99TargetMs === undefined ? {} : { target: `p99 < ${p99TargetMs >= 1000 ? `${p99TargetMs / 1000} s` : `${p99TargetMs} ms`}`, met: latency.p99 < p99TargetMs }),
  };
}

export function httpIngestFigure(http: IngestThroughput): Figure {
  const ratio = http.recordsPerSecond / http.baselineRecordsPerSecond;
  return {
    figure: `HTTP ingest, POST /v1/events (${thousands(http.events)} events × 100 distinct people)`,
    measured: `${thousands(http.eventsPerSecond)} events/s, ${thousands(http.recordsPerSecond)} subject records/s`,
    baseline: `bare JSONEachRow insert of the same ${thousands(http.subjectRows)} subject rows: ${thousands(http.baselineRecordsPerSecond)} records/s`,
    versus: `${(ratio * 100).toFixed(0)} %`,
    target: '≥ 60 %',
    met: ratio >= 0.6,
  };
}

export function usageFigures(usage: UsageLatency): Figure[] {
  const at = `${thousands(usage.individuals)} individuals`;
  const baseline = `full exact count (usage.fullCount): ${p50p99(usage.fullCount)}`;
  const versus = (latency: Latency) => `${(usage.fullCount.p50 / latency.p50).toFixed(1)}× as fast (p50)`;
  const target = usage.individuals >= 10_000_000 ? 50 : undefined;
  return [
    { ...latencyFigure(`Usage query, store usage.individuals(), ${at}, repeated reads`, usage.store, baseline, target), versus: versus(usage.store) },
    { ...latencyFigure(`Usage query, store usage.individuals(), ${at}, right after a write`, usage.afterWrite, baseline, target), versus: versus(usage.afterWrite) },
    { ...latencyFigure(`Usage query, GET /v1/certificates/:id/usage, ${at}`, usage.http, baseline, target), versus: versus(usage.http) },
  ];
}

export function usageNote(usage: UsageLatency): string {
  const checkpoint =
    usage.checkpointSeconds === undefined ? 'recomputed by the monitor’s own evaluator first' : `recomputed in ${usage.checkpointSeconds.toFixed(2)} s`;
  return `Usage at ${thousands(usage.individuals)} individuals (processor and certificate level): seeded in ${usage.seedSeconds.toFixed(1)} s; checkpoint over the year ${checkpoint}; 1,000 people ingested after the checkpoint form the tail.`;
}

const MB_PER_MIB = 1.048576;

export function rssFigure(rss: PeakRss, atReady: PeakRss, individuals: number): Figure {
  return {
    figure: `Peak RSS of the all-in-one process after ingesting ${thousands(individuals)} distinct individuals`,
    measured: `${(rss.monitorMiB * MB_PER_MIB).toFixed(0)} MB (its engine child: ${(rss.engineMiB * MB_PER_MIB).toFixed(0)} MB)`,
    baseline: `the same processes when ready, nothing ingested: ${(atReady.monitorMiB * MB_PER_MIB).toFixed(0)} MB (engine ${(atReady.engineMiB * MB_PER_MIB).toFixed(0)} MB)`,
    target: '≤ 600 MB',
    met: rss.monitorMiB * MB_PER_MIB <= 600,
  };
}

export function kafkaIngestFigure(r: ThroughputResult): Figure {
  const ratio = r.subjectRows / r.pipelineSeconds / (r.baselineRows / r.baselineSeconds);
  return {
    figure: `Kafka ingest → counted (${thousands(r.messages)} messages, ${thousands(r.events)} distinct events, duplicates and resends)`,
    measured: `${thousands(r.events / r.pipelineSeconds)} events/s, ${thousands(r.subjectRecords / r.pipelineSeconds)} subject records/s, ${thousands(r.subjectRows / r.pipelineSeconds)} rows/s`,
    baseline: `bare JSONEachRow insert of the same ${thousands(r.baselineRows)} subject rows: ${thousands(r.baselineRows / r.baselineSeconds)} rows/s`,
    versus: `${(ratio * 100).toFixed(0)} %`,
    target: '≥ 60 %',
    met: ratio >= 0.6,
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
