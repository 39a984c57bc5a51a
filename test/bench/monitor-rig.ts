// The all-in-one monitor as users run it (`services/monitor/dist/main.js`, embedded engine as its
// child), fed by a mock Kafka broker, plus a store handle on its engine for seeding and direct reads.
import { CEILINGS } from '@pi-egress/domain';
import { openStore, type Store } from '@pi-egress/store';
import { Kafka, logLevel } from 'kafkajs';
import { readFileSync, writeFileSync } from 'node:fs';
// Subpaths: the package's index also exports the vitest store helpers, which need a vitest run.
import { makeCertificate } from '@pi-egress/testing/fixtures';
import { type MonitorProcess, startMonitorProcess } from '@pi-egress/testing/monitor-process';
import { MOCK_TUNING_ENV } from '../harness/ingest-kafka.js';
import { postJson } from '../harness/post-json.js';
import { startKafkaMock, type KafkaMock } from '../harness/kafka-mock.js';
import { removeDir, tempDir } from '../harness/process.js';
import { join } from 'node:path';
import { QUERY_LOG_CONFIG } from './bench-engine.js';

export const BENCH_TOPIC = 'pi.egress.events';
export const BENCH_SUBJECT_KEY = 'bench-subject-key';
/** The monitor's database (CLICKHOUSE_DATABASE): its queries' current_database in the query log. */
export const BENCH_DATABASE = 'pi_egress';
/** The monitor's count settle time (EGRESS_COUNT_SETTLE_MS, its default). */
export const BENCH_SETTLE_MS = 10_000;
const TOKENS = { admin: 'bench-admin-token-0123456789', viewer: 'bench-viewer-token-0123456789', ingest: 'bench-ingest-token-0123456789' };

export interface MonitorRig {
  monitor: MonitorProcess;
  /** The monitor's embedded engine: URL and pid of its process. */
  engine: { url: string; pid: number };
  /** Peak RSS of the monitor process when it became ready (nothing ingested yet). */
  readyRss: PeakRss;
  /** The monitor's database, opened from this process (settle as the monitor's). */
  store: Store;
  kafka: Kafka;
  /** fetch against the monitor with the admin token; JSON body when given. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  /**
   * GET with the viewer token: how dashboards and platform teams read usage (SPEC §6). An admin's
   * every request also writes its audit entry before it is answered.
   */
  view(path: string): Promise<Response>;
  /** POST /v1/events with the ingest token, as producers send (the admin's requests are audited). */
  send(events: unknown[]): Promise<Response>;
  stop(): Promise<void>;
}

export interface PeakRss {
  monitorMiB: number;
  engineMiB: number;
}

/** Peak resident set (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

function engineOf(monitor: MonitorProcess): { url: string; pid: number } {
  for (const line of monitor.output().split('\n')) {
    if (!line.includes('embedded ClickHouse serving')) continue;
    const entry = JSON.parse(line) as { url: string; pid: number };
    return { url: entry.url, pid: entry.pid };
  }
  throw new Error('the monitor did not log its embedded engine');
}

/** The monitor as `npm start` runs it; `env` adds or overrides settings (e.g. EGRESS_ENGINE_SETTINGS). */
export async function startMonitorRig(env: Record<string, string> = {}, opts: { queryLog?: boolean } = {}): Promise<MonitorRig> {
  const dataDir = await tempDir('bench-monitor');
  if (opts.queryLog) {
    // The engine-side profile (query-log.ts); the memory figures use a monitor without it.
    writeFileSync(join(dataDir, 'query-log.xml'), QUERY_LOG_CONFIG);
    env = { EGRESS_ENGINE_CONFIG_FILE: join(dataDir, 'query-log.xml'), ...env };
  }
  const mock: KafkaMock = await startKafkaMock({
    topics: [
      { name: BENCH_TOPIC, partitions: 4 },
      { name: `${BENCH_TOPIC}.dlq`, partitions: 1 },
    ],
  });
  const monitor = await startMonitorProcess({
    EGRESS_DATA_DIR: dataDir,
    EGRESS_TOKENS: Object.entries(TOKENS)
      .map(([role, token]) => `${role}:${token}`)
      .join(','),
    EGRESS_SUBJECT_KEY: BENCH_SUBJECT_KEY,
    EGRESS_COUNT_SETTLE_MS: String(BENCH_SETTLE_MS),
    EGRESS_RATE_LIMIT_PER_MINUTE: '0',
    CLICKHOUSE_DATABASE: BENCH_DATABASE,
    KAFKA_BROKERS: mock.bootstrap,
    EGRESS_TOPIC: BENCH_TOPIC,
    EGRESS_DLQ_TOPIC: `${BENCH_TOPIC}.dlq`,
    ...MOCK_TUNING_ENV,
    ...env,
  });
  const engine = engineOf(monitor);
  const store = await openStore({ url: engine.url, database: BENCH_DATABASE, settleMs: BENCH_SETTLE_MS, migrate: false });
  const kafka = new Kafka({ clientId: 'bench', brokers: mock.brokers, logLevel: logLevel.NOTHING });
  return {
    monitor,
    engine,
    readyRss: { monitorMiB: peakRssMiB(monitor.child.pid!), engineMiB: peakRssMiB(engine.pid) },
    store,
    kafka,
    call: (method, path, body) =>
      fetch(`${monitor.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKENS.admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    view: (path) => fetch(`${monitor.url}${path}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } }),
    send: (events) => postJson(`${monitor.url}/v1/events`, TOKENS.ingest, events),
    async stop() {
      await store.close();
      await monitor.stop();
      await mock.stop();
      await removeDir(dataDir);
    },
  };
}

/** CPU seconds (user + system) a process has used so far (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface CpuUse {
  monitor: number;
  engine: number;
  /** This benchmark process: the client side (building and sending requests). */
  client: number;
}

/** CPU seconds each process spends while `run` runs: where the cores went. */
export async function cpuDuring<T>(rig: MonitorRig, run: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const pids = { monitor: rig.monitor.child.pid!, engine: rig.engine.pid, client: process.pid };
  const used = () => ({ monitor: cpuSeconds(pids.monitor), engine: cpuSeconds(pids.engine), client: cpuSeconds(pids.client) });
  const before = used();
  const result = await run();
  const after = used();
  return { result, cpu: { monitor: after.monitor - before.monitor, engine: after.engine - before.engine, client: after.client - before.client } };
}

/** Starts the peak RSS of both processes afresh (clear_refs 5 resets VmHWM), e.g. after a baseline ran on the engine. */
export function resetPeakRss(rig: MonitorRig): void {
  for (const pid of [rig.monitor.child.pid!, rig.engine.pid]) writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

export function peakRss(rig: MonitorRig): PeakRss {
  return { monitorMiB: peakRssMiB(rig.monitor.child.pid!), engineMiB: peakRssMiB(rig.engine.pid) };
}

/** A certificate scope from this year on that accepts the bench's events, caps at the ceilings. */
export function benchCertificate(certificateId: string, processorId: string, year: number) {
  return makeCertificate({ certificateId, processorId, validFrom: `${year}-01-01`, validTo: `${year + 2}-12-31`, limits: { ...CEILINGS } });
}

export async function declareCertificate(rig: MonitorRig, certificateId: string, processorId: string, year: number): Promise<void> {
  const response = await rig.call('PUT', `/v1/certificates/${certificateId}`, benchCertificate(certificateId, processorId, year));
  if (!response.ok) throw new Error(`declaring ${certificateId}: ${response.status} ${await response.text()}`);
}

/** One egress event under `certificateId` carrying `subjects`; every third one also sensitive. */
export function benchEvent(eventId: string, certificateId: string, processorId: string, subjects: ReadonlyArray<{ id: string }>, sensitive = false) {
  return {
    eventId,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    processorId,
    certificateId,
    mechanism: 'certification',
    recipient: { id: 'R1', country: 'DE' },
    purpose: 'customer_support',
    categories: sensitive ? ['name', 'health'] : ['name', 'email'],
    subjects,
  };
}

export async function engineVersion(rig: MonitorRig): Promise<string> {
  const result = await rig.store.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  return (await result.json<{ version: string }>())[0]?.version ?? 'unknown';
}
