// HTTP ingest throughput (POST /v1/events on the all-in-one monitor) against a bare JSONEachRow
// insert of the same subject rows into a plain copy of the subject table on the same engine.
import { pseudonymise } from '@pi-egress/domain';
import type { Store } from '@pi-egress/store';
import { Readable } from 'node:stream';
import { BENCH_DATABASE, BENCH_SUBJECT_KEY, benchEvent, type CpuUse, cpuDuring, declareCertificate, type MonitorRig } from './monitor-rig.js';
import { topQueries, type QueryCost } from './query-log.js';
import { perSecond, timed } from './stats.js';

export interface IngestThroughput {
  events: number;
  subjectRecords: number;
  /** Subject rows (person × class × scope) the monitor wrote. */
  subjectRows: number;
  eventsPerSecond: number;
  recordsPerSecond: number;
  baselineRecordsPerSecond: number;
  /** The baseline before and after the ingest, records/s. */
  baselineRuns: [number, number];
  /** Wall time of the monitor's ingest, and the CPU seconds each process spent in it. */
  ingestSeconds: number;
  cpu: CpuUse;
  /** The engine's costliest queries during the monitor's ingest (system.query_log). */
  queries: QueryCost[];
}

const SUBJECTS_PER_EVENT = 100;
const EVENTS_PER_REQUEST = 200;
/** Two requests in flight: one is parsed and pseudonymised while the other is written. */
const CONCURRENCY = 2;

/** Every third event also carries sensitive PI (two classes per person). */
const isSensitive = (eventIndex: number) => eventIndex % 3 === 0;

function events(prefix: string, certificateId: string, processorId: string, records: number) {
  const all = [];
  for (let e = 0; e * SUBJECTS_PER_EVENT < records; e++) {
    const subjects = Array.from({ length: Math.min(SUBJECTS_PER_EVENT, records - e * SUBJECTS_PER_EVENT) }, (_, s) => ({
      id: `${prefix}-${e * SUBJECTS_PER_EVENT + s}@bench.example`,
    }));
    all.push(benchEvent(`${prefix}-e${e}`, certificateId, processorId, subjects, isSensitive(e)));
  }
  return all;
}

async function postAll(rig: MonitorRig, batches: unknown[][]): Promise<number> {
  let next = 0;
  let rejected = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const response = await rig.send(batch);
      if (!response.ok) throw new Error(`POST /v1/events: ${response.status} ${await response.text()}`);
      rejected += ((await response.json()) as { rejected: unknown[] }).rejected.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return rejected;
}

/** The rows the writer inserts for these events (processor and certificate scope, per class). */
function subjectRows(all: ReturnType<typeof events>, year: number): string[] {
  const lines: string[] = [];
  for (const [e, event] of all.entries()) {
    const classes = isSensitive(e) ? ['nonSensitive', 'sensitive'] : ['nonSensitive'];
    const firstSeen = event.occurredAt.replace('T', ' ').replace('Z', '');
    for (const subject of event.subjects) {
      const idHash = pseudonymise(subject.id, BENCH_SUBJECT_KEY);
      for (const [level, scopeId] of [
        ['processor', event.processorId],
        ['certificate', event.certificateId],
      ] as const) {
        for (const dataClass of classes) {
          lines.push(
            `${JSON.stringify({ scope_level: level, scope_id: scopeId, year, class: dataClass, id_hash: idHash, first_seen: firstSeen })}\n`,
          );
        }
      }
    }
  }
  return lines;
}

const ROWS_PER_BASELINE_INSERT = 250_000;

async function bareInsert(client: Store['client'], lines: readonly string[]): Promise<void> {
  for (let start = 0; start < lines.length; start += ROWS_PER_BASELINE_INSERT) {
    const { stream } = await client.exec({
      query: `INSERT INTO bench_baseline.subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
              SELECT scope_level, scope_id, year, class, unhex(id_hash), first_seen
              FROM input('scope_level String, scope_id String, year UInt16, class String, id_hash String, first_seen DateTime64(3, \\'UTC\\')')
              FORMAT JSONEachRow`,
      values: Readable.from(lines.slice(start, start + ROWS_PER_BASELINE_INSERT)),
    });
    for await (const _ of stream);
  }
}

/** Declares the certificate and posts `records` distinct people to the monitor; the events and their wall time. */
export async function ingestOverHttp(rig: MonitorRig, opts: { records: number; year: number; certificateId: string; processorId: string }) {
  await declareCertificate(rig, opts.certificateId, opts.processorId, opts.year);
  const all = events(`http-${opts.certificateId}`, opts.certificateId, opts.processorId, opts.records);
  const batches: unknown[][] = [];
  for (let start = 0; start < all.length; start += EVENTS_PER_REQUEST) batches.push(all.slice(start, start + EVENTS_PER_REQUEST));
  const monitor = await timed(() => postAll(rig, batches));
  if (monitor.result > 0) throw new Error(`${monitor.result} events rejected`);
  return { events: all, ms: monitor.ms };
}

/**
 * The monitor's HTTP ingest between two bare inserts of the same subject rows (baseline, ingest,
 * baseline), so that noise on a shared machine hits both; the baseline is their mean rate.
 */
export async function measureHttpIngest(
  rig: MonitorRig,
  opts: { records: number; year: number; certificateId: string; processorId: string },
): Promise<IngestThroughput> {
  const lines = subjectRows(events(`http-${opts.certificateId}`, opts.certificateId, opts.processorId, opts.records), opts.year);
  const client = rig.store.client;
  const baseline = async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS bench_baseline' });
    await client.command({ query: 'CREATE TABLE bench_baseline.subject_first_seen AS subject_first_seen' });
    const run = await timed(() => bareInsert(client, lines));
    await client.command({ query: 'DROP DATABASE bench_baseline SYNC' });
    return run.ms;
  };
  const before = await baseline();
  const ingestFrom = new Date();
  const { result: monitor, cpu } = await cpuDuring(rig, () => ingestOverHttp(rig, opts));
  const queries = await topQueries(rig.store, BENCH_DATABASE, ingestFrom, 5);
  const after = await baseline();
  return {
    events: monitor.events.length,
    subjectRecords: opts.records,
    subjectRows: lines.length,
    eventsPerSecond: perSecond(monitor.events.length, monitor.ms),
    recordsPerSecond: perSecond(opts.records, monitor.ms),
    baselineRecordsPerSecond: perSecond(opts.records, (before + after) / 2),
    baselineRuns: [perSecond(opts.records, before), perSecond(opts.records, after)],
    ingestSeconds: monitor.ms / 1000,
    cpu,
    queries,
  };
}
