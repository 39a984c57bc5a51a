// Kafka-protocol test broker: librdkafka's mock cluster (Debian `librdkafka-dev`) wrapped in a tiny C
// program (./kafka-mock/mock-broker.c), compiled with gcc on first use into `test/.build/`.
//
// What it is and is not (measured with kafkajs 2.2.4 against librdkafka 2.0.2, SPEC §9):
// - Produce, fetch, consumer groups with committed offsets, metadata, fetchOffsets all work; it is a
//   protocol-faithful double on random 127.0.0.1 ports, in memory, gone when stopped.
// - Declare topics up front (`topics`): the mock does not implement CreateTopics/DeleteTopics (kafkajs
//   admin createTopics/deleteTopics fail with "Broker 0 not found in the cached metadata") nor the
//   group admin APIs (describeGroups/listGroups: "does not support the requested API version").
//   Producing to an undeclared topic auto-creates it with 4 partitions; admin listTopics,
//   fetchTopicMetadata, fetchTopicOffsets and fetchOffsets work.
// - Group timings come from the mock's coordinator, not from the clients (measured, kafkajs 2.2.4):
//   * the first join of an empty group waits the mock's fixed initial rebalance delay: ~3 s;
//   * every later rebalance (a member joins a live group, or one leaves, even with LeaveGroup) waits
//     `sessionTimeout - 1 s` for the members to re-join (the coordinator cuts it short only when all
//     previous members re-joined). With kafkajs' default sessionTimeout of 30 s that is ~29 s; with
//     `KAFKA_MOCK_CONSUMER_TIMINGS` (session 6 s, heartbeat 0.5 s) a two-member rebalance or a
//     re-join after reconnect takes ~5 s. Spread those options into kafka.consumer({...}).
//   * kafkajs' default fetch maxWaitTimeInMs (5 s) is honoured by the mock, so an idle consumer's
//     disconnect() can take up to 5 s; the options above use 250 ms (disconnect ~70 ms).
//   * with a 6 s session, an eachMessage/eachBatch handler that blocks for > 6 s without calling
//     heartbeat() gets the member evicted: call `heartbeat()` in long batches.
//   Wait for the consumer's GROUP_JOIN event (`consumer.events.GROUP_JOIN`), never a fixed sleep, and
//   give group tests ~20-30 s of budget.
// - Not durable: stop() drops every message and offset.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { missingPackageMessage, requireBinary, startService, testPackageRoot } from './process.js';

/**
 * kafkajs consumer options that keep rebalances on the mock short (see the timings above). The
 * heartbeat must be well under the session timeout; members learn of a rebalance on their next one.
 */
export const KAFKA_MOCK_CONSUMER_TIMINGS = { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 250 } as const;

export interface KafkaMock {
  /** Comma-separated bootstrap list, e.g. `127.0.0.1:39687,127.0.0.1:36081`. */
  bootstrap: string;
  /** The same list split into `host:port` entries (what kafkajs takes as `brokers`). */
  brokers: string[];
  stop(): Promise<void>;
}

export interface KafkaMockOptions {
  topics: Array<{ name: string; partitions: number }>;
  /** Number of mock brokers (1..16, default 1). Replication factor is min(brokers, 3). */
  brokers?: number;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Compiles the mock broker when its binary is missing or older than the C source; returns its path. */
export function buildKafkaMockBroker(): string {
  const root = testPackageRoot();
  const source = join(root, 'harness', 'kafka-mock', 'mock-broker.c');
  const buildDir = join(root, '.build');
  const binary = join(buildDir, 'kafka-mock-broker');
  if (!existsSync(source)) throw new Error(`kafka mock source missing: ${source}`);
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;

  const gcc = requireBinary(['gcc', 'cc'], 'gcc');
  if (!existsSync('/usr/include/librdkafka/rdkafka_mock.h') && !hasHeaderViaCompiler(gcc)) {
    throw new Error(missingPackageMessage('librdkafka mock cluster header <librdkafka/rdkafka_mock.h>', 'librdkafka-dev'));
  }
  mkdirSync(buildDir, { recursive: true });
  // Build to a unique name then rename: several test workers may build at the same time.
  const tmp = `${binary}.${process.pid}.${Date.now()}.tmp`;
  const result = spawnSync(gcc, ['-O2', '-Wall', '-o', tmp, source, '-lrdkafka'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    rmSync(tmp, { force: true });
    const stderr = `${result.error?.message ?? ''}${result.stderr ?? ''}`;
    let hint = '';
    if (/rdkafka(_mock)?\.h|-lrdkafka|cannot find -lrdkafka/.test(stderr)) hint = `\n${missingPackageMessage('librdkafka', 'librdkafka-dev')}`;
    else if (/stdio\.h|crt1\.o|cannot find -lc\b/.test(stderr)) hint = `\n${missingPackageMessage('C library headers', 'libc6-dev')}`;
    throw new Error(`compiling the Kafka mock broker failed (${gcc} ${source}):\n${stderr}${hint}`);
  }
  renameSync(tmp, binary);
  return binary;
}

function hasHeaderViaCompiler(gcc: string): boolean {
  const probe = spawnSync(gcc, ['-E', '-x', 'c', '-'], { input: '#include <librdkafka/rdkafka_mock.h>\n', encoding: 'utf8' });
  return probe.status === 0;
}

/** Starts a mock Kafka cluster with the given topics pre-created. */
export async function startKafkaMock(opts: KafkaMockOptions): Promise<KafkaMock> {
  const brokerCount = opts.brokers ?? 1;
  if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > 16) throw new Error(`brokers must be 1..16, got ${brokerCount}`);
  const args = [String(brokerCount)];
  for (const topic of opts.topics) {
    if (!TOPIC_NAME.test(topic.name)) throw new Error(`invalid Kafka topic name: ${JSON.stringify(topic.name)}`);
    if (!Number.isInteger(topic.partitions) || topic.partitions < 1) throw new Error(`topic ${topic.name}: partitions must be ≥ 1`);
    args.push(`${topic.name}:${topic.partitions}`);
  }
  const binary = buildKafkaMockBroker();
  // The broker exits when its stdin closes (and on parent death via its own PR_SET_PDEATHSIG).
  const service = startService({ name: 'kafka-mock', command: binary, args, stdinPipe: true, dieWithParent: false });
  let line: string;
  try {
    line = await service.waitForLine(/^\S+:\d+(,\S+:\d+)*$/, 10_000);
  } catch (err) {
    await service.stop(1_000);
    throw err;
  }
  const bootstrap = line.trim();
  return {
    bootstrap,
    brokers: bootstrap.split(','),
    stop: () => service.stop(3_000),
  };
}

/** A mock cluster holding an events topic and its dead-letter topic, and a quiet kafkajs client of it. */
export async function startEventsMock(
  clientId: string,
  topics: { topic: string; partitions: number; dlq: string; dlqPartitions: number },
): Promise<{ mock: KafkaMock; kafka: Kafka }> {
  const mock = await startKafkaMock({
    topics: [
      { name: topics.topic, partitions: topics.partitions },
      { name: topics.dlq, partitions: topics.dlqPartitions },
    ],
  });
  return { mock, kafka: new Kafka({ clientId, brokers: mock.brokers, logLevel: logLevel.NOTHING }) };
}
