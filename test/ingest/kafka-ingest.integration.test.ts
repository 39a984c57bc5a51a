import { kafkaSink, replayDeadLetters, replayNdjsonFile } from '@pi-egress/ingest';
import { describe, expect, it } from 'vitest';
import { declareWorkloadProcessor, storedCounts } from '../harness/ingest-kafka.js';
import { kafkaIngestForSuite } from '../harness/kafka-suite.js';
import { buildWorkload, WORKLOAD_YEAR } from '../harness/ingest-workload.js';
import { removeDir, requireBinary, runCommand, tempDir } from '../harness/process.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SUBJECT_KEY = 'kafka-ingest-test-key';
const MAX_MESSAGE_BYTES = 16 * 1024;

describe('Kafka ingest: one consumer, mock broker, real engine', () => {
  const rig = kafkaIngestForSuite({ partitions: 6, dlqPartitions: 2, subjectKey: SUBJECT_KEY, maxMessageBytes: MAX_MESSAGE_BYTES });

  it('counts 200,000 subject records exactly, through duplicates, resends and 1,000 malformed messages, each dead-lettered with its reason', async () => {
    const workload = buildWorkload({
      subjectRecords: 200_000,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      malformed: 1_000,
      tombstones: 10,
    });
    await declareWorkloadProcessor(rig.store, workload);
    await rig.produce(workload.messages);
    await rig.waitUntilConsumed(90_000);

    expect(await storedCounts(rig.store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);

    const deadLetters = await rig.deadLetters();
    expect(deadLetters).toHaveLength(workload.malformed.size);
    const expectedReasons: Record<string, RegExp> = {
      not_json: /^\(root\): not valid JSON$/,
      not_utf8: /^\(root\): not valid UTF-8$/,
      schema: /^subjects\[0\]/,
      oversized: /^\(root\): message of \d+ bytes exceeds the limit of 16384 bytes/,
      future_timestamp: /^occurredAt: in the future/,
      occurred_at_out_of_range: /^occurredAt: must not be before 2000-01-01/,
      invalid_text: /^recipient\.id: must be valid Unicode text/,
    };
    const partitions = new Set<string>();
    for (const { key, headers } of deadLetters) {
      const kind = workload.malformed.get(key);
      expect(kind, `unexpected dead letter ${key}`).toBeDefined();
      expect(headers['x-dlq-reason']).toMatch(expectedReasons[kind!]!);
      expect(headers['x-dlq-reason']).not.toContain('secret');
      expect(headers['x-dlq-code']).toBe(kind);
      expect(headers['x-dlq-step']).toBe(['oversized', 'not_utf8', 'not_json'].includes(kind!) ? 'decode' : 'validate');
      expect(headers['x-dlq-original-topic']).toBe(rig.topic);
      expect(headers['x-dlq-original-offset']).toMatch(/^\d+$/);
      expect(Date.parse(headers['x-dlq-original-timestamp']!)).toBeGreaterThan(0);
      expect(Date.parse(headers['x-dlq-time']!)).toBeGreaterThan(0);
      partitions.add(headers['x-dlq-original-partition']!);
    }
    expect(new Set(deadLetters.map((d) => d.key)).size).toBe(workload.malformed.size);
    expect([...partitions].sort()).toEqual(['0', '1', '2', '3', '4', '5']);

    const metric = async (name: string) => (await rig.metrics.registry.getSingleMetric(name)!.get()).values;
    // Every reason is exported from 0 (zero is a value); the ones produced counted exactly.
    const deadLetterCounts = Object.fromEntries(
      (await metric('pi_egress_dead_letters_total')).filter((v) => v.value > 0).map((v) => [v.labels.reason, v.value]),
    );
    const producedKinds: Record<string, number> = {};
    for (const kind of workload.malformed.values()) producedKinds[kind] = (producedKinds[kind] ?? 0) + 1;
    expect(Object.keys(producedKinds)).toHaveLength(7);
    expect(deadLetterCounts).toEqual(producedKinds);
    const events = Object.fromEntries((await metric('pi_egress_events_total')).map((v) => [v.labels.result, v.value]));
    expect(events).toMatchObject({ accepted: workload.events, rejected: 1_000, dropped: 10 });
    expect(rig.ingest.isReady()).toBe(true);
  }, 120_000);

  it('consumes what kcat (librdkafka, not kafkajs) produced', async () => {
    const kcat = requireBinary(['kcat', 'kafkacat'], 'kcat');
    const workload = buildWorkload({
      subjectRecords: 500,
      subjectsPerEvent: 50,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      malformed: 5,
      processorId: 'P-KCAT',
      certificateId: 'CERT-KCAT',
      groupId: 'G-KCAT',
      seed: 7,
    });
    await declareWorkloadProcessor(rig.store, workload);
    // kcat reads one message per line, key and value split at the first '|'; not_utf8 bytes pass as they are.
    const lines = workload.messages.map(({ key, value }) => Buffer.concat([Buffer.from(`${key}|`), value!, Buffer.from('\n')]));
    const produced = await runCommand(kcat, ['-P', '-b', rig.mock.bootstrap, '-t', rig.topic, '-K', '|'], {
      stdin: Buffer.concat(lines).toString('latin1'),
      timeoutMs: 20_000,
    });
    expect(produced.code, produced.stderr).toBe(0);
    await rig.waitUntilConsumed(60_000);

    expect(await storedCounts(rig.store, workload.truth, WORKLOAD_YEAR)).toEqual(workload.truth);
    const deadLetters = (await rig.deadLetters()).filter((d) => workload.malformed.has(d.key));
    expect(deadLetters.map((d) => d.key).sort()).toEqual([...workload.malformed.keys()].sort());
  }, 90_000);
  it('replays dead letters once the cause is fixed, and an NDJSON file, into the topic', async () => {
    const oversized = buildWorkload({
      subjectRecords: 1_200,
      subjectsPerEvent: 400,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      processorId: 'P-REPLAY',
      certificateId: 'CERT-REPLAY',
      groupId: 'G-REPLAY',
      duplicateRate: 0,
      resendRate: 0,
      seed: 31,
    });
    expect(oversized.messages.every((m) => m.value!.length > MAX_MESSAGE_BYTES)).toBe(true);
    await declareWorkloadProcessor(rig.store, oversized);
    const since = new Date();
    await rig.produce(oversized.messages);
    await rig.waitUntilConsumed(30_000);
    expect((await storedCounts(rig.store, oversized.truth, WORKLOAD_YEAR)).map((s) => s.counts)).toEqual(
      oversized.truth.map(() => ({ nonSensitive: 0, sensitive: 0 })),
    );

    // The operator raises the limit, then replays what was dead-lettered since the incident began.
    await rig.restartIngest(4 * MAX_MESSAGE_BYTES);
    const replay = await replayDeadLetters({ kafka: rig.kafka, dlqTopic: rig.dlqTopic, topic: rig.topic, since });
    expect(replay.replayed).toBe(oversized.messages.length);
    expect(replay.skipped).toBeGreaterThanOrEqual(1_005);

    const fromFile = buildWorkload({
      subjectRecords: 2_000,
      subjectKey: SUBJECT_KEY,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      processorId: 'P-FILE',
      certificateId: 'CERT-FILE',
      groupId: 'G-FILE',
      seed: 32,
    });
    await declareWorkloadProcessor(rig.store, fromFile);
    const dir = await tempDir('replay-file');
    try {
      const file = join(dir, 'events.ndjson');
      await writeFile(file, `${fromFile.messages.map((m) => m.value!.toString('utf8')).join('\n')}\n\n`);
      const sent = await replayNdjsonFile({ file, sink: kafkaSink(rig.kafka, rig.topic), batchSize: 7 });
      expect(sent.lines).toBe(fromFile.messages.length);
    } finally {
      await removeDir(dir);
    }

    await rig.waitUntilConsumed(60_000);
    expect(await storedCounts(rig.store, oversized.truth, WORKLOAD_YEAR)).toEqual(oversized.truth);
    expect(await storedCounts(rig.store, fromFile.truth, WORKLOAD_YEAR)).toEqual(fromFile.truth);
  }, 90_000);
});
