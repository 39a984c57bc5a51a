import { createMetrics } from '@pi-egress/core';
import type { KafkaIngest } from '@pi-egress/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, openTestStore, subjects } from '@pi-egress/testing';
import { produceMessages, readDeadLetters, startInProcessIngest, waitUntilConsumed } from '../harness/ingest-kafka.js';
import { eventsMockForSuite } from '../harness/kafka-suite.js';

const TOPIC = 'pi.egress.events';
const DLQ = 'pi.egress.events.dlq';

/**
 * A message the store refuses for a reason no retry can fix goes to the dead-letter topic with that
 * reason, and the partition keeps flowing. The refusal is the real engine's: a CHECK constraint the
 * test adds to the subject table (an operator's rule the monitor's own validation knows nothing of).
 */
describe('Kafka ingest when the store refuses a message as data', () => {
  const broker = eventsMockForSuite('refusal-test', { topic: TOPIC, partitions: 1, dlq: DLQ, dlqPartitions: 1 });
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let ingest: KafkaIngest;
  const metrics = createMetrics();

  beforeAll(async () => {
    store = await openTestStore();
    await store.client.command({ query: `ALTER TABLE subject_first_seen ADD CONSTRAINT no_blocked_processor CHECK scope_id != 'P-blocked'` });
    ingest = await startInProcessIngest({
      store,
      subjectKey: 'refusal-key',
      metrics,
      kafka: {
        brokers: broker.mock.brokers,
        clientId: 'refusal-test',
        topic: TOPIC,
        dlqTopic: DLQ,
        groupId: 'refusal',
        maxMessageBytes: 1 << 20,
      },
    });
  });
  afterAll(async () => {
    await ingest?.stop();
    await store?.close();
  });

  it('dead-letters the refused message with its reason and counts every other one exactly', async () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      i === 13
        ? makeEvent({ eventId: 'blocked-1', processorId: 'P-blocked', mechanism: 'standard_contract', subjects: subjects(3, 'blocked') })
        : makeEvent({ eventId: `fine-${i}`, processorId: 'P-fine', mechanism: 'standard_contract', subjects: subjects(2, 'fine', i * 2) }),
    );
    await produceMessages(
      broker.kafka,
      TOPIC,
      events.map((e) => ({ key: String(e.eventId), value: Buffer.from(JSON.stringify(e)) })),
    );
    await waitUntilConsumed(broker.kafka, 'refusal', TOPIC, 60_000);

    const deadLetters = await readDeadLetters(broker.kafka, DLQ);
    expect(deadLetters.map((d) => [d.key, d.headers['x-dlq-code'], d.headers['x-dlq-step']])).toEqual([['blocked-1', 'store_refused', 'write']]);
    expect((await store.usage.individuals({ level: 'processor', scopeId: 'P-fine', year: 2026 })).counts.nonSensitive).toBe(58);
    expect((await store.usage.fullCount({ level: 'processor', scopeId: 'P-blocked', year: 2026 })).nonSensitive).toBe(0);
    const [transfers] = await store.client
      .query({ query: 'SELECT uniqExact(event_id) AS n FROM transfers', format: 'JSONEachRow' })
      .then((r) => r.json<{ n: number }>());
    expect(Number(transfers!.n)).toBe(29);
  }, 90_000);
});
