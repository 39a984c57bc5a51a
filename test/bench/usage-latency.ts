// Usage query latency with many distinct individuals in one processor-year, at the certificate,
// processor and group level: the store's checkpoint + tail count (`usage.individuals`) repeated and
// right after a write, and the HTTP routes, against the full exact count and against the
// do-it-yourself design (diy-peer.ts), all in one run.
import { SERVE_QUERY_ID } from '@pi-egress/clickhouse-embedded';
import type { ScopeKey } from '@pi-egress/store';
import { sleep } from '../harness/process.js';
import { diskBytes, measureDiyPeer, seedDiyPeer, type DiskUse, type DiyPeer } from './diy-peer.js';
import { topQueries, type QueryCost } from './query-log.js';
import {
  BENCH_DATABASE,
  BENCH_SETTLE_MS,
  benchCertificate,
  benchEvent,
  peakRss,
  resetPeakRss,
  type MonitorRig,
  type PeakRss,
} from './monitor-rig.js';
import { timed, timeEach, type Latency } from './stats.js';

export const USAGE_LEVELS = ['certificate', 'processor', 'group'] as const;
export type UsageLevel = (typeof USAGE_LEVELS)[number];

export interface LevelLatency {
  level: UsageLevel;
  /** Repeated reads, nothing written in between (dashboards, scrapes): the tail count is reused. */
  store: Latency;
  /** A read right after a write to the scope: the tail is counted again. */
  afterWrite: Latency;
  /** GET /v1/{certificates|processors|groups}/:id/usage. */
  http: Latency;
  /** The engine's side of the after-write reads and of the GETs (system.query_log; the writes' evaluations included). */
  engine: { afterWrite: QueryCost[]; http: QueryCost[] };
}

export interface UsageLatency {
  individuals: number;
  seedSeconds: number;
  /** How long the engine then merged the seed's parts before the reads were measured. */
  mergeSeconds: number;
  /** Duration of the checkpoint refresh over the whole year (undefined: the monitor's own evaluator refreshed first). */
  checkpointSeconds?: number;
  levels: LevelLatency[];
  /** The exact count straight from the truth table (certificate level). */
  fullCount: Latency;
  diy: DiyPeer;
  /** The monitor's subject table (subject_first_seen, every scope of the run so far) after the seed. */
  oursDisk: DiskUse;
  /** Peak RSS of both processes while the reads were measured (reset after the seed, before the do-it-yourself peer). */
  servingRss: PeakRss;
}

const ROUTE: Record<UsageLevel, string> = { certificate: 'certificates', processor: 'processors', group: 'groups' };

/**
 * Seeds `count` distinct people at the processor, certificate and group level, the way the ingest
 * would have written them (one row per scope and person), first seen across the year so far and
 * entirely inside the engine (`numbers()`): no client round trip per row.
 */
async function seed(rig: MonitorRig, scopes: Record<UsageLevel, string>, salt: string, year: number, count: number): Promise<void> {
  for (const level of USAGE_LEVELS) {
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
        scopeId: scopes[level],
        year,
        salt,
        count,
        yearStart: `${year - 1}-12-31 16:00:00`,
        spanS: Math.max(1, Math.floor((Date.now() - Date.parse(`${year - 1}-12-31T16:00:00Z`)) / 1000) - 3600),
      },
      // A bulk load, not a hot path: let the engine use its threads and memory for it.
      clickhouse_settings: { max_insert_threads: '2' },
    });
  }
}

/**
 * Waits until the monitor has absorbed what the bench just did: no query of anyone else running and
 * no merge of this database, at three polls in a row (at most 2 minutes). After a seed of millions,
 * the monitor's evaluator and checkpointer recount the new scopes in full once; reads measured
 * meanwhile measured those recounts (the first level measured paid for it: 182 ms p99 against 45).
 */
function engineQuiet(rig: MonitorRig): Promise<void> {
  return untilNoneBusy(
    rig,
    `SELECT (SELECT count() FROM system.processes WHERE query_id NOT IN (queryID(), {serving:String}))
          + (SELECT count() FROM system.merges WHERE database = currentDatabase()) AS busy`,
    { quietPolls: 3, intervalMs: 250, deadlineMs: 120_000 },
  );
}

/** Waits until the engine merges nothing in the subject table (at most 10 minutes). */
function mergesSettled(rig: MonitorRig): Promise<void> {
  return untilNoneBusy(rig, `SELECT count() AS busy FROM system.merges WHERE database = currentDatabase() AND table = 'subject_first_seen'`, {
    quietPolls: 1,
    intervalMs: 1_000,
    deadlineMs: 600_000,
  });
}

/** Polls `query` (one row, `busy`) until it answers 0 `quietPolls` times in a row, or the deadline passes. */
async function untilNoneBusy(rig: MonitorRig, query: string, opts: { quietPolls: number; intervalMs: number; deadlineMs: number }): Promise<void> {
  const deadline = Date.now() + opts.deadlineMs;
  for (let quiet = 0; Date.now() < deadline; await sleep(opts.intervalMs)) {
    const result = await rig.store.client.query({ query, query_params: { serving: SERVE_QUERY_ID }, format: 'JSONEachRow' });
    const [row] = await result.json<{ busy: number | string }>();
    quiet = Number(row?.busy ?? 0) === 0 ? quiet + 1 : 0;
    if (quiet >= opts.quietPolls) return;
  }
}

/** People ingested through the monitor after the checkpoint: they form the tail (at every level). */
async function addTail(rig: MonitorRig, processorId: string, certificateId: string, people: number, tag: string): Promise<void> {
  const subjects = Array.from({ length: people }, (_, i) => ({ id: `tail-${tag}-${i}@bench.example` }));
  const response = await rig.send([benchEvent(`tail-${certificateId}-${tag}`, certificateId, processorId, subjects)]);
  if (!response.ok) throw new Error(`tail ingest: ${response.status} ${await response.text()}`);
}

export async function measureUsageLatency(
  rig: MonitorRig,
  opts: { individuals: number; year: number; samples: number; afterWriteSamples: number; baselineSamples: number; tail: number },
): Promise<UsageLatency> {
  const certificateId = `C-USAGE-${opts.individuals}`;
  const processorId = `P-USAGE-${opts.individuals}`;
  const groupId = `G-USAGE-${opts.individuals}`;
  // The processor joins the group with this declaration (a new counting epoch of the group).
  const declared = await rig.call('PUT', `/v1/certificates/${certificateId}`, {
    ...benchCertificate(certificateId, processorId, opts.year),
    groupId,
  });
  if (!declared.ok) throw new Error(`declaring ${certificateId}: ${declared.status} ${await declared.text()}`);
  await rig.store.scopes.reload();
  const scopes: Record<UsageLevel, string> = {
    certificate: certificateId,
    processor: processorId,
    group: await rig.store.scopes.groupScopeId(groupId),
  };
  const keyOf = (level: UsageLevel): ScopeKey => ({ level, scopeId: scopes[level], year: opts.year });
  const idOf: Record<UsageLevel, string> = { certificate: certificateId, processor: processorId, group: groupId };

  const seeded = await timed(() => seed(rig, scopes, certificateId, opts.year, opts.individuals));
  // The seed writes a year of people in seconds; a real year's parts were merged long ago. Reads
  // measured while the engine still merges the seed measure the seed (2 merge threads, 2 cores).
  const merged = await timed(() => mergesSettled(rig));
  await sleep(BENCH_SETTLE_MS + 500);
  const refresh = await timed(() => rig.store.checkpoints.refresh());
  const refreshedHere = refresh.result.some((k) => k.scopeId === certificateId);
  await addTail(rig, processorId, certificateId, opts.tail, 'steady');
  let expected = opts.individuals + opts.tail;

  const read = async (level: UsageLevel) => {
    const { counts } = await rig.store.usage.individuals(keyOf(level));
    if (counts.nonSensitive !== expected) throw new Error(`usage of ${level} ${scopes[level]}: ${counts.nonSensitive}, expected ${expected}`);
  };
  const levels: LevelLatency[] = [];
  resetPeakRss(rig);
  for (const level of USAGE_LEVELS) {
    await engineQuiet(rig);
    const store = await timeEach(opts.samples, () => read(level));
    const httpFrom = new Date();
    const http = await timeEach(opts.samples, async () => {
      const response = await rig.view(`/v1/${ROUTE[level]}/${idOf[level]}/usage?year=${opts.year}`);
      const body = (await response.json()) as { nonSensitive: { count: number } };
      if (body.nonSensitive?.count !== expected) throw new Error(`GET usage of ${level} ${idOf[level]}: ${JSON.stringify(body).slice(0, 300)}`);
    });
    const httpQueries = await topQueries(rig.store, BENCH_DATABASE, httpFrom, 8);
    const afterWriteFrom = new Date();
    const afterWrite = await timeEach(
      opts.afterWriteSamples,
      () => read(level),
      0,
      async (i) => {
        await addTail(rig, processorId, certificateId, 1, `write-${level}-${i}`);
        expected += 1;
      },
    );
    const afterWriteQueries = await topQueries(rig.store, BENCH_DATABASE, afterWriteFrom, 8);
    levels.push({ level, store, afterWrite, http, engine: { afterWrite: afterWriteQueries, http: httpQueries } });
  }
  const servingRss = peakRss(rig);
  const fullCount = await timeEach(opts.baselineSamples, () => rig.store.usage.fullCount(keyOf('certificate')), 1);
  const oursDisk = await diskBytes(rig.store, 'currentDatabase()', ['subject_first_seen']);
  const diySeed = await seedDiyPeer(rig.store, keyOf('certificate'));
  const diy = await measureDiyPeer(rig.store, keyOf('certificate'), expected, opts.baselineSamples, diySeed);
  return {
    individuals: opts.individuals,
    seedSeconds: seeded.ms / 1000,
    mergeSeconds: merged.ms / 1000,
    ...(refreshedHere ? { checkpointSeconds: refresh.ms / 1000 } : {}),
    levels,
    fullCount,
    diy,
    oursDisk,
    servingRss,
  };
}
