import { Kafka, Partitioners, logLevel, type Consumer, type ConsumerGroupJoinEvent, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_MOCK_CONSUMER_TIMINGS, startKafkaMock, type KafkaMock } from './kafka-mock.js';
import { pollUntil, requireBinary, runCommand } from './process.js';

/** Resolves on the consumer's next GROUP_JOIN (the join takes seconds on the mock: never sleep instead). */
function nextGroupJoin(consumer: Consumer): Promise<ConsumerGroupJoinEvent> {
  return new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      remove();
      resolve(event);
    });
  });
}

function client(mock: KafkaMock, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: mock.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

describe('Kafka mock broker (librdkafka rdkafka_mock) with kafkajs', () => {
  let mock: KafkaMock;

  beforeAll(async () => {
    const t0 = Date.now();
    mock = await startKafkaMock({
      brokers: 3,
      topics: [
        { name: 'egress-events', partitions: 6 },
        { name: 'from-kcat', partitions: 2 },
        { name: 'rebalance', partitions: 4 },
      ],
    });
    console.log(`kafka mock (3 brokers) ready in ${Date.now() - t0} ms (includes gcc on first run): ${mock.bootstrap}`);
  });
  afterAll(async () => {
    await mock?.stop();
  });

  it('prints a bootstrap list with one entry per broker', () => {
    expect(mock.brokers).toHaveLength(3);
    for (const b of mock.brokers) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(mock.bootstrap).toBe(mock.brokers.join(','));
  });

  it('produces to a 6-partition topic, consumes with a group, and resumes from committed offsets', async () => {
    const kafka = client(mock, 'harness-test');
    const topic = 'egress-events';
    const groupId = 'harness-group';
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      const first = Array.from({ length: 600 }, (_, i) => ({ key: `first-${i}`, value: JSON.stringify({ i }) }));
      let t = Date.now();
      await producer.send({ topic, messages: first });
      console.log(`produced 600 messages in ${Date.now() - t} ms`);

      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(6);
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets).toHaveLength(6);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(600);
      expect(offsets.every((p) => Number(p.high) > 0)).toBe(true); // keys spread over all partitions

      // First consumer: reads everything from the beginning, offsets committed as batches resolve.
      const seen1: EachMessagePayload[] = [];
      const consumer1 = kafka.consumer({ groupId, ...KAFKA_MOCK_CONSUMER_TIMINGS });
      await consumer1.connect();
      await consumer1.subscribe({ topic, fromBeginning: true });
      const joined1 = nextGroupJoin(consumer1);
      t = Date.now();
      await consumer1.run({ eachMessage: async (payload) => void seen1.push(payload) });
      const join1 = await joined1;
      console.log(`group join took ${Date.now() - t} ms (kafkajs reports ${join1.payload.duration} ms)`);
      expect(join1.payload.groupId).toBe(groupId);
      await pollUntil(async () => (seen1.length >= 600 ? true : undefined), { timeoutMs: 20_000, description: '600 messages' });
      console.log(`consumed 600 messages ${Date.now() - t} ms after run()`);
      expect(new Set(seen1.map((p) => p.message.key?.toString())).size).toBe(600);
      expect(new Set(seen1.map((p) => p.partition)).size).toBe(6);
      t = Date.now();
      await consumer1.disconnect(); // commits resolved offsets and leaves the group
      console.log(`consumer disconnect took ${Date.now() - t} ms`);

      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(600);

      // More messages while nobody consumes; a new member of the same group gets only those.
      await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `second-${i}`, value: String(i) })) });
      const seen2: EachMessagePayload[] = [];
      const consumer2 = kafka.consumer({ groupId, ...KAFKA_MOCK_CONSUMER_TIMINGS });
      await consumer2.connect();
      await consumer2.subscribe({ topic, fromBeginning: true }); // ignored: the group has committed offsets
      const joined2 = nextGroupJoin(consumer2);
      t = Date.now();
      await consumer2.run({ eachMessage: async (payload) => void seen2.push(payload) });
      await joined2;
      console.log(`re-join after reconnect took ${Date.now() - t} ms`);
      await pollUntil(async () => (seen2.length >= 60 ? true : undefined), { timeoutMs: 20_000, description: '60 new messages' });
      await new Promise((r) => setTimeout(r, 500)); // nothing old may trickle in after the new ones
      expect(seen2).toHaveLength(60);
      expect(seen2.every((p) => p.message.key?.toString().startsWith('second-'))).toBe(true);
      await consumer2.disconnect();
      const committed2 = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed2[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(660);
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  }, 60_000);

  it('kafkajs consumes what kcat (Debian) produced into the mock', async () => {
    const kcat = requireBinary(['kcat', 'kafkacat'], 'kcat');
    const lines = `${Array.from({ length: 50 }, (_, i) => `k${i}|{"n":${i}}`).join('\n')}\n`;
    const produced = await runCommand(kcat, ['-P', '-b', mock.bootstrap, '-t', 'from-kcat', '-K', '|'], { stdin: lines, timeoutMs: 20_000 });
    expect(produced.code, produced.stderr).toBe(0);

    const kafka = client(mock, 'harness-kcat');
    const consumer = kafka.consumer({ groupId: 'harness-kcat', ...KAFKA_MOCK_CONSUMER_TIMINGS });
    const seen: Array<{ key: string; value: string }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'from-kcat', fromBeginning: true });
      const joined = nextGroupJoin(consumer);
      await consumer.run({
        eachMessage: async ({ message }) => void seen.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' }),
      });
      await joined;
      await pollUntil(async () => (seen.length >= 50 ? true : undefined), { timeoutMs: 20_000, description: '50 kcat messages' });
      expect(seen).toHaveLength(50);
      expect(seen.find((m) => m.key === 'k7')?.value).toBe('{"n":7}');
    } finally {
      await consumer.disconnect();
    }
  }, 60_000);

  it('rebalances partitions between two group members', async () => {
    const kafka = client(mock, 'harness-rebalance');
    const groupId = 'harness-rebalance';
    const a = kafka.consumer({ groupId, ...KAFKA_MOCK_CONSUMER_TIMINGS });
    const b = kafka.consumer({ groupId, ...KAFKA_MOCK_CONSUMER_TIMINGS });
    const assigned = new Map<Consumer, number[]>();
    const track = (c: Consumer) => c.on(c.events.GROUP_JOIN, (e) => assigned.set(c, e.payload.memberAssignment.rebalance ?? []));
    track(a);
    track(b);
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.subscribe({ topic: 'rebalance', fromBeginning: true });
      await b.subscribe({ topic: 'rebalance', fromBeginning: true });
      const aJoined = nextGroupJoin(a);
      let t = Date.now();
      await a.run({ eachMessage: async () => undefined });
      await aJoined;
      expect(assigned.get(a)).toHaveLength(4);
      console.log(`single member joined in ${Date.now() - t} ms`);

      // The second member triggers a rebalance; the first re-joins on its next heartbeat. Under
      // the whole suite on 2 cores a member may miss its session and join again (one more
      // generation): wait for the assignment both members settle on, not for one join event each.
      t = Date.now();
      await b.run({ eachMessage: async () => undefined });
      const split = () => [...(assigned.get(a) ?? []), ...(assigned.get(b) ?? [])].sort();
      await pollUntil(async () => (assigned.get(a)?.length === 2 && JSON.stringify(split()) === '[0,1,2,3]' ? true : undefined), {
        timeoutMs: 100_000,
        intervalMs: 50,
        description: `two members holding two partitions each (now ${JSON.stringify([assigned.get(a), assigned.get(b)])})`,
      });
      console.log(`two-member rebalance took ${Date.now() - t} ms`);
      expect(split()).toEqual([0, 1, 2, 3]);
      expect(assigned.get(b)).toHaveLength(2);
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
  }, 120_000); // a rebalance takes ~8 s alone, far longer with the whole suite on 2 cores

  it('fails clearly on bad topic input and stops cleanly', async () => {
    await expect(startKafkaMock({ topics: [{ name: 'bad topic', partitions: 1 }] })).rejects.toThrow(/invalid Kafka topic name/);
    const extra = await startKafkaMock({ topics: [{ name: 't', partitions: 1 }] });
    const t = Date.now();
    await extra.stop();
    expect(Date.now() - t).toBeLessThan(3_000);
    await extra.stop(); // idempotent
  });
});
