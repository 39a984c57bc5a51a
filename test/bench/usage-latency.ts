// Usage query latency with many distinct individuals in one certificate-year: the store's
// checkpoint + tail count (`usage.individuals`) and the HTTP route, against the full exact count.
import type { ScopeKey } from '@pi-egress/store';
import { sleep } from '../harness/process.js';
import { BENCH_SETTLE_MS, benchEvent, declareCertificate, type MonitorRig } from './monitor-rig.js';
import { timed, timeEach, type Latency } from './stats.js';

export interface UsageLatency {
  individuals: number;
  seedSeconds: number;
  /** Duration of the checkpoint refresh over the whole year (undefined: the monitor's own evaluator refreshed first). */
  checkpointSeconds?: number;
  /** Repeated reads, nothing written in between (dashboards, scrapes): the tail count is reused. */
  store: Latency;
  /** A read right after a write to the scope: the tail is counted again. */
  afterWrite: Latency;
  http: Latency;
  fullCount: Latency;
}

/**
 * Seeds `count` distinct people at the processor and the certificate level, the way the ingest
 * would have written them (one row per scope and person), first seen across the year so far and
 * entirely inside the engine (`numbers()`): no client round trip per row.
 */
async function seed(rig: MonitorRig, processorId: string, certificateId: string, year: number, count: number): Promise<void> {
  for (const [level, scopeId] of [['processor', processorId], ['certificate', certificateId]] as const) {
    // inserted_at keeps its default (now): backdating it would put rows behind a checkpoint the
    // evaluator may take while they are still being written, which the settle time rules out.
    await rig.store.client.command({
      query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
              SELECT {level:String}, {scopeId:String}, {year:UInt16}, 'nonSensitive',
                     SHA256(concat({salt:String}, toString(number))),
                     toDateTime64({yearStart:String}, 3, 'UTC') + toIntervalSecond(number % {spanS:UInt64})
              FROM numbers({count:UInt64})`,
      query_params: {
        level,
        scopeId,
        year,
        salt: certificateId,
        count,
        yearStart: `${year - 1}-12-31 16:00:00`,
        spanS: Math.max(1, Math.floor((Date.now() - Date.parse(`${year - 1}-12-31T16:00:00Z`)) / 1000) - 3600),
      },
      // A bulk load, not a hot path: let the engine use its threads and memory for it.
      clickhouse_settings: { max_insert_threads: '2' },
    });
  }
}

/** People ingested through the monitor after the checkpoint: they form the tail. */
async function addTail(rig: MonitorRig, processorId: string, certificateId: string, people: number, tag: string): Promise<void> {
  const subjects = Array.from({ length: people }, (_, i) => ({ id: `tail-${tag}-${i}@bench.example` }));
  const response = await rig.call('POST', '/v1/events', [benchEvent(`tail-${certificateId}-${tag}`, certificateId, processorId, subjects)]);
  if (!response.ok) throw new Error(`tail ingest: ${response.status} ${await response.text()}`);
}

export async function measureUsageLatency(
  rig: MonitorRig,
  opts: { individuals: number; year: number; samples: number; afterWriteSamples: number; baselineSamples: number; tail: number },
): Promise<UsageLatency> {
  const certificateId = `C-USAGE-${opts.individuals}`;
  const processorId = `P-USAGE-${opts.individuals}`;
  await declareCertificate(rig, certificateId, processorId, opts.year);
  const key: ScopeKey = { level: 'certificate', scopeId: certificateId, year: opts.year };
  const seeded = await timed(() => seed(rig, processorId, certificateId, opts.year, opts.individuals));
  await sleep(BENCH_SETTLE_MS + 500);
  const refresh = await timed(() => rig.store.checkpoints.refresh());
  const refreshedHere = refresh.result.some((k) => k.scopeId === certificateId);
  await addTail(rig, processorId, certificateId, opts.tail, 'steady');
  let expected = opts.individuals + opts.tail;
  const store = await timeEach(opts.samples, async () => {
    const { counts } = await rig.store.usage.individuals(key);
    if (counts.nonSensitive !== expected) throw new Error(`usage of ${certificateId}: ${counts.nonSensitive}, expected ${expected}`);
  });
  const http = await timeEach(opts.samples, async () => {
    const response = await rig.call('GET', `/v1/certificates/${certificateId}/usage?year=${opts.year}`);
    const body = (await response.json()) as { nonSensitive: { count: number } };
    if (body.nonSensitive.count !== expected) throw new Error(`GET usage of ${certificateId}: ${JSON.stringify(body)}`);
  });
  const afterWrite = await timeEach(
    opts.afterWriteSamples,
    async () => {
      const { counts } = await rig.store.usage.individuals(key);
      if (counts.nonSensitive !== expected) throw new Error(`usage of ${certificateId} after a write: ${counts.nonSensitive}, expected ${expected}`);
    },
    0,
    async (i) => {
      await addTail(rig, processorId, certificateId, 1, `write-${i}`);
      expected += 1;
    },
  );
  const fullCount = await timeEach(opts.baselineSamples, () => rig.store.usage.fullCount(key), 1);
  return {
    individuals: opts.individuals,
    seedSeconds: seeded.ms / 1000,
    ...(refreshedHere ? { checkpointSeconds: refresh.ms / 1000 } : {}),
    store,
    afterWrite,
    http,
    fullCount,
  };
}
