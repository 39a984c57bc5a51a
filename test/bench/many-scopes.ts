// Many scopes: certificates over processors in groups, all receiving events, against the same
// workload under one certificate (the same-run baseline), each in its own database on one engine.
// Declarations go through the store (2,000 HTTP declarations took over a minute); what the issue
// names is measured over HTTP (POST /v1/events, /metrics, POST /v1/admission) or in process (the
// evaluation cycle, evaluateNow()).
//
//   node [--cpu-prof] test/dist/bench/many-scopes.js [--certificates 2000] [--processors 500]
//        [--groups 50] [--events 10000]   (CLICKHOUSE_URL: that server; else an embedded engine)
import { buildApi, parseTokens } from '@pi-egress/api';
import { createLogger } from '@pi-egress/config';
import { createMetrics, ephemeralEvidenceKey, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, declaredEffectiveFrom, validateCertificate, yearOf } from '@pi-egress/domain';
import { startEvaluator } from '@pi-egress/evaluator';
import { openStore, type Store } from '@pi-egress/store';
import { pathToFileURL } from 'node:url';
import { postJson } from '../harness/post-json.js';
import { sleep } from '../harness/process.js';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { withBenchEngine } from './bench-engine.js';
import { benchCertificate, benchEvent } from './monitor-rig.js';
import { topQueries, type QueryCost } from './query-log.js';
import { perSecond, summarise, thousands, timed, timeEach, type Latency } from './stats.js';

const TOKEN = 'bench-scopes-token-0123456789';
const EVENTS_PER_REQUEST = 200;
const PEOPLE_PER_EVENT = 20;
const DECLARE_CONCURRENCY = 8;

export interface ScopeLayout {
  certificates: number;
  processors: number;
  groups: number;
}

export interface ScopeScaleResult extends ScopeLayout {
  declareSeconds: number;
  events: number;
  eventsPerSecond: number;
  recordsPerSecond: number;
  /** The first evaluation cycle after the burst: every scope's tail is the whole burst. */
  catchUpMs: number;
  /** Every evaluation cycle in steady state, while rounds of events reach every certificate (`cycles` rounds). */
  evaluation: Latency;
  scrape: Latency;
  scrapeBytes: number;
  admission: Latency;
  /** What the engine spent its time on during the evaluation cycles (system.query_log). */
  queries: QueryCost[];
  /** The engine's side of the admission checks (system.query_log; the evaluator's cycles that ran meanwhile included). */
  admissionQueries: QueryCost[];
  /** Evaluation cycles that ran while the admission checks were measured, and their total time. */
  cyclesDuringAdmission: { count: number; ms: number; phaseMs: number };
}

const certificateId = (i: number) => `C-${String(i).padStart(4, '0')}`;
const processorId = (i: number) => `P-${String(i).padStart(3, '0')}`;
const groupId = (i: number) => `G-${String(i).padStart(2, '0')}`;
const processorOf = (layout: ScopeLayout, certificate: number) => certificate % layout.processors;

async function inParallel(count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: DECLARE_CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Processors (each in a group) and certificates, straight into the store's registry. */
async function declare(store: Store, layout: ScopeLayout, year: number): Promise<void> {
  await inParallel(layout.processors, (p) =>
    store.scopes.putProcessor({ processorId: processorId(p), groupId: groupId(p % layout.groups), countExempt: false, ciiOperator: false }),
  );
  await inParallel(layout.certificates, async (c) => {
    const declared = validateCertificate(benchCertificate(certificateId(c), processorId(processorOf(layout, c)), year));
    if (!declared.ok) throw new Error(declared.errors.join('; '));
    await store.scopes.putVersion(declared.certificate, declaredEffectiveFrom(undefined, true, new Date()));
  });
}

async function post(url: string, path: string, body: unknown): Promise<Response> {
  const response = await postJson(`${url}${path}`, TOKEN, body);
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** `events` events, round robin over the certificates, two requests in flight. */
async function ingest(url: string, layout: ScopeLayout, events: number, tag: string, peoplePerEvent = PEOPLE_PER_EVENT): Promise<void> {
  const requests = Math.ceil(events / EVENTS_PER_REQUEST);
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < requests) {
        const r = next++;
        const batch = [];
        for (let e = r * EVENTS_PER_REQUEST; e < Math.min(events, (r + 1) * EVENTS_PER_REQUEST); e++) {
          const c = e % layout.certificates;
          const people = Array.from({ length: peoplePerEvent }, (_, s) => ({ id: `${tag}-${e}-${s}@bench.example` }));
          batch.push(benchEvent(`${tag}-e${e}`, certificateId(c), processorId(processorOf(layout, c)), people));
        }
        const report = (await (await post(url, '/v1/events', batch)).json()) as { rejected: unknown[] };
        if (report.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      }
    }),
  );
}

export async function runScopeScale(
  clickhouseUrl: string,
  layout: ScopeLayout,
  opts: { events: number; cycles: number; scrapes: number; admissions: number },
): Promise<ScopeScaleResult> {
  const database = `bench_scopes_${layout.certificates}_${Date.now()}`;
  const store = await openStore({ url: clickhouseUrl, database, settleMs: 10_000 });
  const ctx: MonitorContext = { store, catalogue: new CategoryCatalogue(), subjectKey: 'bench-scopes-key', now: () => new Date() };
  const metrics = createMetrics(new Registry());
  const logger = createLogger({ level: 'silent' });
  const year = yearOf(new Date());
  const api = await buildApi({
    ctx,
    metrics,
    logger,
    // The producers' role (SPEC §6): an admin's every request writes an audit row.
    tokens: parseTokens(`ingest:${TOKEN}`),
    maxBodyBytes: 32 * 1024 * 1024,
    rateLimit: { perTokenPerMinute: 0, anonymousPerMinute: 0 },
    evidenceKey: ephemeralEvidenceKey(),
  });
  const cycles: number[] = [];
  const evaluator = startEvaluator({
    ctx,
    metrics,
    logger,
    intervalMs: 5_000,
    runbookBaseUrl: 'http://127.0.0.1/runbooks',
    onEvaluated: (result) => cycles.push(result.durationMs),
  });
  try {
    const url = await api.listen({ host: '127.0.0.1', port: 0 });
    const declared = await timed(() => declare(store, layout, year));
    await store.scopes.reload();
    const ingested = await timed(() => ingest(url, layout, opts.events, database));
    const catchUpMs = (await evaluator.evaluateNow()).durationMs;
    // Steady state: the checkpoints have caught up with the burst (settle time, then a refresh).
    await sleep(11_000);
    await store.checkpoints.refresh();
    // Every cycle the evaluator runs (after writes and on its interval) while rounds of events
    // reach every certificate.
    const cyclesFrom = new Date();
    cycles.length = 0;
    for (let round = 0; round < opts.cycles; round++) await ingest(url, layout, layout.certificates, `${database}-round-${round}`, 5);
    await evaluator.evaluateNow();
    const evaluation = [...cycles];
    const queries = await topQueries(store, database, cyclesFrom);
    let scrapeBytes = 0;
    const scrape = await timeEach(opts.scrapes, async () => {
      scrapeBytes = (await (await fetch(`${url}/metrics`)).text()).length;
    });
    const admissionFrom = new Date();
    cycles.length = 0;
    const admission = await timeEach(opts.admissions, async (i) => {
      const c = (i * 7919) % layout.certificates;
      const people = Array.from({ length: 10 }, (_, s) => ({ id: `${database}-${(i * 13) % opts.events}-${s}@bench.example` }));
      const {
        eventId: _eventId,
        occurredAt: _occurredAt,
        ...proposal
      } = benchEvent('x', certificateId(c), processorId(processorOf(layout, c)), people);
      await (await post(url, '/v1/admission', proposal)).json();
    });
    const cyclesDuringAdmission = {
      count: cycles.length,
      ms: cycles.reduce((sum, ms) => sum + ms, 0),
      phaseMs: Date.now() - admissionFrom.getTime(),
    };
    const admissionQueries = await topQueries(store, database, admissionFrom, 8);
    return {
      ...layout,
      declareSeconds: declared.ms / 1000,
      catchUpMs,
      events: opts.events,
      eventsPerSecond: perSecond(opts.events, ingested.ms),
      recordsPerSecond: perSecond(opts.events * PEOPLE_PER_EVENT, ingested.ms),
      evaluation: summarise(evaluation),
      scrape,
      scrapeBytes,
      admission,
      queries,
      admissionQueries,
      cyclesDuringAdmission,
    };
  } finally {
    await evaluator.stop();
    await api.close();
    await store.client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
    await store.close();
  }
}

/** The layout of the issue, and the same workload under one certificate before it (the baseline). */
export async function runManyScopesBench(
  clickhouseUrl: string,
  layout: ScopeLayout,
  opts: { events: number; cycles: number; scrapes: number; admissions: number },
): Promise<{ single: ScopeScaleResult; many: ScopeScaleResult }> {
  const single = await runScopeScale(clickhouseUrl, { certificates: 1, processors: 1, groups: 1 }, opts);
  const many = await runScopeScale(clickhouseUrl, layout, opts);
  return { single, many };
}

function describe(r: ScopeScaleResult): string {
  const ms = (l: Latency) => `${l.p50.toFixed(1)} / ${l.p99.toFixed(1)} ms`;
  return [
    `${thousands(r.certificates)} certificates, ${r.processors} processors, ${r.groups} groups (declared in ${r.declareSeconds.toFixed(1)} s)`,
    `  ingest: ${thousands(r.eventsPerSecond)} events/s, ${thousands(r.recordsPerSecond)} records/s`,
    `  first evaluation cycle after the burst: ${r.catchUpMs} ms; steady state (a round of events to every certificate before each) p50/p99: ${ms(r.evaluation)}`,
    `  /metrics scrape p50/p99: ${ms(r.scrape)} (${thousands(r.scrapeBytes)} bytes)`,
    `  admission p50/p99: ${ms(r.admission)}`,
    '  engine time during the cycles (system.query_log), top queries:',
    ...r.queries.map(
      (q) => `    ${q.calls} × ${q.totalMs.toFixed(0)} ms total (CPU ${q.cpuMs.toFixed(0)} ms), ${thousands(q.readRows)} rows read: ${q.query}`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      certificates: { type: 'string', default: '2000' },
      processors: { type: 'string', default: '500' },
      groups: { type: 'string', default: '50' },
      events: { type: 'string', default: '10000' },
      cycles: { type: 'string', default: '10' },
    },
  });
  const layout = { certificates: Number(values.certificates), processors: Number(values.processors), groups: Number(values.groups) };
  const opts = { events: Number(values.events), cycles: Number(values.cycles), scrapes: 50, admissions: 100 };
  const { single, many } = await withBenchEngine((url) => runManyScopesBench(url, layout, opts));
  console.log(`${describe(single)}\n\n${describe(many)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
