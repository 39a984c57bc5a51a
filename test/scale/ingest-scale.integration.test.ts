// Scale-out of Kafka ingest on this machine: four ingest service processes in one consumer group
// on a 12-partition topic, with rebalances forced while they drain it (a graceful leave, a join,
// a crash and its replacement). The counts must come out exact, and each instance's throughput is
// printed (figures for docs/scale-out.md). SCALE_SUBJECT_RECORDS sizes the run; the mock broker
// keeps at most ~5 MB per partition, which bounds it near 400,000 records.
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildIngestService,
  groupProgress,
  ingestProcessEnv,
  produceMessages,
  readDeadLetters,
  startIngestProcess,
  storedCounts,
  waitUntilConsumed,
} from '../harness/ingest-kafka.js';
import { declareWorkloadProcessor, transferRows } from '../harness/ingest-kafka.js';
import { buildWorkload, WORKLOAD_YEAR, type Workload } from '../harness/ingest-workload.js';
import { startEventsMock, type KafkaMock } from '../harness/kafka-mock.js';
import { freePort, pollUntil, type Service } from '../harness/process.js';
import { clickhouseUrl, openTestStore } from '@pi-egress/testing';

const PARTITIONS = 12;
const INITIAL_INSTANCES = 4;
const SUBJECT_RECORDS = Number(process.env.SCALE_SUBJECT_RECORDS ?? 360_000);
const SUBJECT_KEY = 'scale-test-subject-key';
const MAX_MESSAGE_BYTES = 64 * 1024;
const TOPIC = 'scale.events';
const DLQ = 'scale.events.dlq';
const GROUP = 'scale-ingest';

interface Instance {
  name: string;
  service: Service;
  url: string;
  startedAt: number;
  readyAt?: number;
  endedAt?: number;
  ended?: string;
  /** Last counters read from its /metrics (a crashed instance keeps what was read before). */
  accepted: number;
  duplicates: number;
  subjects: number;
}

const counter = (metrics: string, pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? 0);

describe(`Kafka ingest scale-out: ${INITIAL_INSTANCES} instances, ${PARTITIONS} partitions, forced rebalances`, () => {
  let mock: KafkaMock;
  let kafka: Kafka;
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let workload: Workload;
  const instances: Instance[] = [];
  let polling: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    buildIngestService();
    ({ mock, kafka } = await startEventsMock('scale-test', { topic: TOPIC, partitions: PARTITIONS, dlq: DLQ, dlqPartitions: 3 }));
    store = await openTestStore();
    workload = buildWorkload({
      subjectRecords: SUBJECT_RECORDS,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      malformed: 120,
      processorId: 'P-scale',
      certificateId: 'CERT-scale',
      groupId: 'G-scale',
      seed: 2026,
    });
    await declareWorkloadProcessor(store, workload);
    // The whole backlog first: the instances then drain it as fast as they can.
    await produceMessages(kafka, TOPIC, workload.messages);
  }, 120_000);

  afterAll(async () => {
    clearInterval(polling);
    await Promise.all(instances.map((instance) => instance.service.stop(2_000)));
    await store?.close();
    await mock?.stop();
  });

  async function start(): Promise<Instance> {
    const port = await freePort();
    const name = `ingest-${instances.length + 1}`;
    const service = startIngestProcess(name, {
      ...ingestProcessEnv({
        clickhouseUrl: clickhouseUrl(),
        database: store.database,
        subjectKey: SUBJECT_KEY,
        brokers: mock.bootstrap,
        topic: TOPIC,
        dlqTopic: DLQ,
        groupId: GROUP,
        maxMessageBytes: MAX_MESSAGE_BYTES,
        port,
      }),
      // Modest fetches: several batches per partition, so a stop lands between commits.
      KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(256 * 1024),
    });
    const instance: Instance = { name, service, url: `http://127.0.0.1:${port}`, startedAt: Date.now(), accepted: 0, duplicates: 0, subjects: 0 };
    instances.push(instance);
    void service.waitForHttp(`${instance.url}/readyz`, 60_000).then(
      () => (instance.readyAt = Date.now()),
      () => undefined,
    );
    return instance;
  }

  async function readCounters(instance: Instance): Promise<void> {
    if (instance.endedAt) return;
    try {
      const metrics = await (await fetch(`${instance.url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
      instance.accepted = counter(metrics, /^pi_egress_events_total\{result="accepted"\} (\d+)/m);
      instance.duplicates = counter(metrics, /^pi_egress_events_total\{result="duplicate"\} (\d+)/m);
      instance.subjects = counter(metrics, /^pi_egress_subjects_total (\d+)/m);
    } catch {
      // not listening yet, or gone: keep the last reading
    }
  }

  async function end(instance: Instance, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    await readCounters(instance);
    instance.endedAt = Date.now();
    instance.ended = signal === 'SIGKILL' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)';
    if (signal === 'SIGKILL') instance.service.child.kill('SIGKILL');
    await instance.service.stop(15_000);
  }

  /** Resolves once the group has committed `share` of the topic (and not all of it yet). */
  async function whenCommitted(share: number): Promise<void> {
    const progress = await pollUntil(
      async () => {
        const now = await groupProgress(kafka, GROUP, TOPIC);
        return now.committed >= share * now.end ? now : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: `${share * 100} % of ${TOPIC} committed` },
    ).catch((error: Error) => {
      const outputs = instances.map((i) => `--- ${i.name}:\n${i.service.output().slice(-3_000)}`).join('\n');
      throw new Error(`${error.message}\n${outputs}`);
    });
    expect(progress.committed, `the rebalance at ${share * 100} % must land mid-consumption`).toBeLessThan(progress.end);
  }

  it('counts exactly through a leave, a join and a crash, and reports throughput per instance', async () => {
    const began = Date.now();
    await Promise.all(Array.from({ length: INITIAL_INSTANCES }, () => start()));
    polling = setInterval(() => void Promise.all(instances.map(readCounters)), 500);
    const timeline: Array<{ second: number; committed: number }> = [];
    const sampling = setInterval(
      () =>
        void groupProgress(kafka, GROUP, TOPIC).then(
          ({ committed }) => timeline.push({ second: (Date.now() - began) / 1000, committed }),
          () => undefined,
        ),
      2_000,
    );

    await whenCommitted(0.2);
    await end(instances[0]!, 'SIGTERM'); // graceful leave: its partitions move to the others
    await whenCommitted(0.4);
    await start(); // a join: the partitions are spread again
    await whenCommitted(0.6);
    await end(instances[1]!, 'SIGKILL'); // a crash: its batch in flight is redelivered
    await start();
    await waitUntilConsumed(kafka, GROUP, TOPIC, 120_000).catch(async (error: Error) => {
      const admin = kafka.admin();
      await admin.connect();
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })]);
      await admin.disconnect();
      const parts = ends
        .map((e) => `${e.partition}:${committed[0]!.partitions.find((c) => c.partition === e.partition)?.offset}/${e.high}`)
        .join(' ');
      const outputs = instances.map((i) => `--- ${i.name}:\n${i.service.output().slice(-4_000)}`).join('\n');
      throw new Error(`${error.message}\n${parts}\n${outputs}`);
    });
    const drained = Date.now();
    clearInterval(sampling);
    clearInterval(polling);
    await Promise.all(instances.map(readCounters));
    for (const instance of instances.filter((i) => !i.endedAt)) await end(instance, 'SIGTERM');
    for (const instance of instances.filter((i) => i.ended?.includes('SIGTERM') && i.service.exited)) {
      expect(instance.service.child.exitCode, `${instance.name}:\n${instance.service.output()}`).toBe(0);
    }

    // Exact: every scope's distinct counts, one transfer row per distinct event, every malformed
    // message dead-lettered and nothing else.
    expect(await storedCounts(store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
    expect(await transferRows(store, workload.processorId, { final: true })).toBe(workload.events);
    const deadLetterKeys = new Set((await readDeadLetters(kafka, DLQ)).map((d) => d.key));
    expect([...deadLetterKeys].sort()).toEqual([...workload.malformed.keys()].sort());

    const seconds = (drained - began) / 1000;
    const report = instances.map((instance) => {
      const active = ((instance.endedAt ?? drained) - (instance.readyAt ?? instance.startedAt)) / 1000;
      return {
        instance: instance.name,
        how: instance.ended ?? 'ran to the end',
        'active s': Number(active.toFixed(1)),
        'events accepted': instance.accepted,
        'duplicates seen': instance.duplicates,
        'subject records': instance.subjects,
        'records/s': Math.round(instance.subjects / Math.max(active, 0.001)),
      };
    });
    console.log(
      `\nScale test: ${workload.events} events (${workload.subjectRecords} subject records, ${workload.malformed.size} malformed) on ` +
        `${PARTITIONS} partitions, drained in ${seconds.toFixed(1)} s by ${instances.length} instances over the run ` +
        `(${Math.round(workload.subjectRecords / seconds)} subject records/s overall)`,
    );
    console.table(report);
    // Steady state: the best 10-second window of the whole group, rebalance pauses excluded.
    const recordsPerMessage = workload.subjectRecords / workload.messages.length;
    let best = 0;
    for (const [i, from] of timeline.entries()) {
      const to = timeline.slice(i).find((sample) => sample.second - from.second >= 10);
      if (to) best = Math.max(best, ((to.committed - from.committed) * recordsPerMessage) / (to.second - from.second));
    }
    console.log(`Committed messages over time: ${timeline.map((t) => `${t.second.toFixed(0)}s ${t.committed}`).join(' · ')}`);
    console.log(`Best 10-s window of the group: ${Math.round(best)} subject records/s`);
    for (const instance of instances.slice(0, INITIAL_INSTANCES)) {
      expect(instance.accepted, `${instance.name} consumed nothing: the partitions were not shared`).toBeGreaterThan(0);
    }
  }, 240_000);
});
