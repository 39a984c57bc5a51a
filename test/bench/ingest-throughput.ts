// Kafka ingest throughput: messages produced to a 6-partition topic of the librdkafka mock broker,
// consumed by the ingest service into the store until committed and counted, against the raw
// JSONEachRow insert of the same subject rows into the same engine (the baseline), in one run.
//
//   node test/dist/bench/ingest-throughput.js [--records 200000] [--concurrency N (default: the service's)]
//     [--fetch-bytes N (KAFKA_FETCH_MAX_BYTES_PER_PARTITION; default: the service's)]
//   (CLICKHOUSE_URL: use that server; otherwise an embedded engine in a temporary directory)
import { createLogger } from '@pi-egress/config';
import { createMetrics, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue } from '@pi-egress/domain';
import { startKafkaIngest } from '@pi-egress/ingest';
import { openStore, type Store } from '@pi-egress/store';
import { Kafka, logLevel } from 'kafkajs';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { withBenchEngine } from './bench-engine.js';
import { declareWorkloadProcessor, MOCK_TUNING, produceMessages, storedCounts, waitUntilConsumed } from '../harness/ingest-kafka.js';
import { buildWorkload, WORKLOAD_YEAR, type Workload } from '../harness/ingest-workload.js';
import { startKafkaMock, type KafkaMock } from '../harness/kafka-mock.js';
import { pollUntil } from '../harness/process.js';

const TOPIC = 'bench.events';
const SUBJECT_KEY = 'bench-subject-key';
const MAX_MESSAGE_BYTES = 16 * 1024;

export interface ThroughputResult {
  messages: number;
  events: number;
  subjectRecords: number;
  subjectRows: number;
  pipelineSeconds: number;
  baselineRows: number;
  baselineSeconds: number;
  /** Each run, in order: ingest, bare insert, ingest, bare insert. */
  pipelineRuns: [number, number];
  baselineRuns: [number, number];
}

/**
 * Records every subject row the writer sends, repeats included, in a plain MergeTree (which merges
 * nothing away) of the run's database: only for the capture run, which is not timed (the copy costs
 * the engine what the store stopped paying with migration 0008).
 */
async function captureSubjectRows(store: Store): Promise<void> {
  await store.client.command({
    query: `CREATE TABLE subject_rows_sent ENGINE = MergeTree ORDER BY tuple() AS
            SELECT scope_level, scope_id, year, class, id_hash, first_seen FROM subject_first_seen WHERE 0`,
  });
  await store.client.command({
    query: `CREATE MATERIALIZED VIEW subject_rows_sent_mv TO subject_rows_sent AS
            SELECT scope_level, scope_id, year, class, id_hash, first_seen FROM subject_first_seen`,
  });
}

/** The rows {@link captureSubjectRows} recorded, as the writer sends them (id_hash in hex). */
async function capturedSubjectRows(store: Store): Promise<string[]> {
  const result = await store.client.query({
    query: `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class, lower(hex(id_hash)) AS id_hash, first_seen
      FROM subject_rows_sent`,
    format: 'JSONEachRow',
  });
  return (await result.json<Record<string, unknown>>()).map((row) => `${JSON.stringify(row)}\n`);
}

/** The same statement shape as the store's writer: JSONEachRow through input(), hex unhexed on the server. */
async function rawInsert(store: Store, rows: readonly string[]): Promise<void> {
  const query = `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
SELECT scope_level, scope_id, year, class, unhex(id_hash), first_seen
FROM input('scope_level String, scope_id String, year UInt16, class String, id_hash String, first_seen DateTime64(3, \\'UTC\\')')
FORMAT JSONEachRow`;
  for (let start = 0; start < rows.length; start += 250_000) {
    const { stream } = await store.client.exec({ query, values: Readable.from(rows.slice(start, start + 250_000)) });
    for await (const _ of stream);
  }
}

/** One run of the ingest service over the whole topic into a fresh database: its duration and what it wrote. */
async function ingestOnce(
  clickhouseUrl: string,
  mock: KafkaMock,
  kafka: Kafka,
  workload: Workload,
  run: string,
  tuning: BenchTuning,
  capture = false,
) {
  const store = await openStore({ url: clickhouseUrl, database: `bench_ingest_${run}`, settleMs: 0 });
  try {
    await declareWorkloadProcessor(store, workload);
    if (capture) await captureSubjectRows(store);
    let subjectRows = 0;
    let lastBatchAt = 0;
    const ctx: MonitorContext = { store, catalogue: new CategoryCatalogue(), subjectKey: SUBJECT_KEY, now: () => new Date() };
    const groupId = `bench-${run}`;
    const ingest = await startKafkaIngest({
      ctx,
      metrics: createMetrics(),
      logger: createLogger({ level: 'warn' }),
      kafka: {
        brokers: mock.brokers,
        clientId: 'bench',
        topic: TOPIC,
        dlqTopic: `${TOPIC}.dlq`,
        groupId,
        maxMessageBytes: MAX_MESSAGE_BYTES,
        tuning: {
          ...MOCK_TUNING,
          ...(tuning.concurrency === undefined ? {} : { partitionsConsumedConcurrently: tuning.concurrency }),
          ...(tuning.fetchBytes === undefined ? {} : { fetchMaxBytesPerPartition: tuning.fetchBytes }),
        },
      },
      onBatchWritten: (report) => {
        subjectRows += report.subjectRows;
        lastBatchAt = Date.now();
      },
    });
    // The clock starts when the group is joined (the mock's fixed ~3 s join delay is not ingest work).
    await pollUntil(async () => (ingest.isReady() ? true : undefined), { timeoutMs: 30_000, intervalMs: 10, description: 'group join' });
    const started = Date.now();
    await waitUntilConsumed(kafka, groupId, TOPIC, 600_000);
    const countStart = Date.now();
    const counts = await storedCounts(store, workload.truth, WORKLOAD_YEAR);
    const countMs = Date.now() - countStart;
    await ingest.stop();
    if (JSON.stringify(counts) !== JSON.stringify(workload.truth))
      throw new Error(`counts differ from the truth: ${JSON.stringify({ counts, truth: workload.truth })}`);
    // Committed and counted: up to the last batch's commit, plus the exact count queries.
    return { seconds: (lastBatchAt - started + countMs) / 1000, subjectRows, rows: capture ? await capturedSubjectRows(store) : [] };
  } finally {
    await store.client.command({ query: `DROP DATABASE IF EXISTS bench_ingest_${run}` }).catch(() => undefined);
    await store.close();
  }
}

/** The bare insert of `rows` into a fresh database; seconds. */
async function baselineOnce(clickhouseUrl: string, rows: readonly string[], run: string): Promise<number> {
  const store = await openStore({ url: clickhouseUrl, database: `bench_raw_${run}`, settleMs: 0 });
  try {
    const started = Date.now();
    await rawInsert(store, rows);
    return (Date.now() - started) / 1000;
  } finally {
    await store.client.command({ query: `DROP DATABASE IF EXISTS bench_raw_${run}` }).catch(() => undefined);
    await store.close();
  }
}

/** The service's consumer settings a run may override (undefined: the service's default). */
export interface BenchTuning {
  concurrency?: number | undefined;
  fetchBytes?: number | undefined;
}

/**
 * Interleaved so that noise on a shared machine hits both: ingest, bare insert, ingest, bare insert
 * (the bare insert needs the rows an untimed capture run recorded). The figures are the means of each pair.
 */
export async function runIngestThroughputBench(clickhouseUrl: string, records: number, tuning: BenchTuning = {}): Promise<ThroughputResult> {
  const mock = await startKafkaMock({
    topics: [
      { name: TOPIC, partitions: 6 },
      { name: `${TOPIC}.dlq`, partitions: 1 },
    ],
  });
  const kafka = new Kafka({ clientId: 'bench', brokers: mock.brokers, logLevel: logLevel.NOTHING });
  const run = Date.now();
  try {
    const workload = buildWorkload({ subjectRecords: records, subjectKey: SUBJECT_KEY, maxMessageBytes: MAX_MESSAGE_BYTES });
    await produceMessages(kafka, TOPIC, workload.messages);
    // The rows a bare insert needs, from an untimed run that records them.
    const { rows } = await ingestOnce(clickhouseUrl, mock, kafka, workload, `${run}_0`, tuning, true);
    const first = await ingestOnce(clickhouseUrl, mock, kafka, workload, `${run}_1`, tuning);
    const baselineFirst = await baselineOnce(clickhouseUrl, rows, `${run}_1`);
    const second = await ingestOnce(clickhouseUrl, mock, kafka, workload, `${run}_2`, tuning);
    const baselineSecond = await baselineOnce(clickhouseUrl, rows, `${run}_2`);
    return {
      messages: workload.messages.length,
      events: workload.events,
      subjectRecords: workload.subjectRecords,
      subjectRows: first.subjectRows,
      pipelineSeconds: (first.seconds + second.seconds) / 2,
      pipelineRuns: [first.seconds, second.seconds],
      baselineRows: rows.length,
      baselineSeconds: (baselineFirst + baselineSecond) / 2,
      baselineRuns: [baselineFirst, baselineSecond],
    };
  } finally {
    await mock.stop();
  }
}

const format = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function throughputTable(r: ThroughputResult): string {
  const pipelineRowsPerSecond = r.subjectRows / r.pipelineSeconds;
  const baselineRowsPerSecond = r.baselineRows / r.baselineSeconds;
  return [
    '| measure | Kafka → counted (ingest service) | raw JSONEachRow insert (baseline) |',
    '| --- | ---: | ---: |',
    `| messages (events, duplicates, resends) | ${format(r.messages)} | |`,
    `| distinct events | ${format(r.events)} | |`,
    `| subject records | ${format(r.subjectRecords)} | |`,
    `| subject rows (person × class × scope) | ${format(r.subjectRows)} | ${format(r.baselineRows)} |`,
    `| seconds | ${format(r.pipelineSeconds, 2)} | ${format(r.baselineSeconds, 2)} |`,
    `| events/s | ${format(r.events / r.pipelineSeconds)} | |`,
    `| subject records/s | ${format(r.subjectRecords / r.pipelineSeconds)} | |`,
    `| subject rows/s | ${format(pipelineRowsPerSecond)} | ${format(baselineRowsPerSecond)} |`,
    `| pipeline / baseline (rows/s) | ${format((pipelineRowsPerSecond / baselineRowsPerSecond) * 100, 1)} % | 100 % |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '200000' }, concurrency: { type: 'string' }, 'fetch-bytes': { type: 'string' } },
  });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const tuning = { concurrency: number(values.concurrency), fetchBytes: number(values['fetch-bytes']) };
  const result = await withBenchEngine((url) => runIngestThroughputBench(url, Number(values.records), tuning));
  console.log(throughputTable(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
