import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Per partition, the end offset now (only partitions holding messages), and how many messages they hold. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<{ ends: Map<number, bigint>; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<number, bigint>();
    let total = 0;
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) <= BigInt(low)) continue;
      ends.set(partition, BigInt(high));
      total += Number(BigInt(high) - BigInt(low));
    }
    return { ends, total };
  } finally {
    await admin.disconnect();
  }
}

export interface TopicReadOptions {
  kafka: Kafka;
  topic: string;
  /** Gets each partition's messages in order, in batches; its promise is awaited before reading on. */
  handle: (messages: KafkaMessage[], partition: number) => Promise<void>;
  /** Called after each batch with the messages handled so far and the total to read. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reads a topic from its beginning up to the end offsets it has when the read starts (messages
 * added meanwhile are left alone), then leaves. Uses a consumer group of its own each time.
 */
export async function readTopicToEnd({ kafka, topic, handle, onProgress }: TopicReadOptions): Promise<number> {
  const { ends, total } = await endOffsets(kafka, topic);
  let done = 0;
  onProgress?.(done, total);
  if (ends.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: `pi-egress-reader-${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            const end = ends.get(batch.partition);
            if (end === undefined) return;
            const inRange = batch.messages.filter((m) => BigInt(m.offset) < end);
            if (inRange.length > 0) {
              await handle(inRange, batch.partition);
              resolveOffset(inRange.at(-1)!.offset);
            }
            done += inRange.length;
            onProgress?.(done, total);
            if (BigInt(batch.lastOffset()) + 1n >= end) {
              ends.delete(batch.partition);
              if (ends.size === 0) resolve();
            }
            await heartbeat();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return done;
}
