import { describe, expect, it } from 'vitest';
import { makeEvent, subjects } from '@pi-egress/testing';
import { kafkaIngestForSuite } from '../harness/kafka-suite.js';

/**
 * A message the store refuses for a reason no retry can fix goes to the dead-letter topic with that
 * reason, and the partition keeps flowing. The refusal is the real engine's: a CHECK constraint the
 * test adds to the subject table (an operator's rule the monitor's own validation knows nothing of).
 */
describe('Kafka ingest when the store refuses a message as data', () => {
  const rig = kafkaIngestForSuite({
    partitions: 1,
    dlqPartitions: 1,
    subjectKey: 'refusal-key',
    maxMessageBytes: 1 << 20,
    prepareStore: (store) =>
      store.client.command({ query: `ALTER TABLE subject_first_seen ADD CONSTRAINT no_blocked_processor CHECK scope_id != 'P-blocked'` }),
  });

  it('dead-letters the refused message with its reason and counts every other one exactly', async () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      i === 13
        ? makeEvent({ eventId: 'blocked-1', processorId: 'P-blocked', mechanism: 'standard_contract', subjects: subjects(3, 'blocked') })
        : makeEvent({ eventId: `fine-${i}`, processorId: 'P-fine', mechanism: 'standard_contract', subjects: subjects(2, 'fine', i * 2) }),
    );
    await rig.produce(events.map((e) => ({ key: String(e.eventId), value: Buffer.from(JSON.stringify(e)) })));
    await rig.waitUntilConsumed(60_000);

    const deadLetters = await rig.deadLetters();
    expect(deadLetters.map((d) => [d.key, d.headers['x-dlq-code'], d.headers['x-dlq-step']])).toEqual([['blocked-1', 'store_refused', 'write']]);
    expect((await rig.store.usage.individuals({ level: 'processor', scopeId: 'P-fine', year: 2026 })).counts.nonSensitive).toBe(58);
    expect((await rig.store.usage.fullCount({ level: 'processor', scopeId: 'P-blocked', year: 2026 })).nonSensitive).toBe(0);
    const [transfers] = await rig.store.client
      .query({ query: 'SELECT uniqExact(event_id) AS n FROM transfers', format: 'JSONEachRow' })
      .then((r) => r.json<{ n: number }>());
    expect(Number(transfers!.n)).toBe(29);
  }, 90_000);
});
