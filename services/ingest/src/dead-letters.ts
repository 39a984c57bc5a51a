import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { RejectedEvent } from '@pi-egress/core';

/** Headers added to a dead-lettered message; the original key, value and headers are kept as they were. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  /** The machine code of the refusal (RejectionCode), as in pi_egress_dead_letters_total{reason}. */
  code: 'x-dlq-code',
  step: 'x-dlq-step',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  originalTimestamp: 'x-dlq-original-timestamp',
  time: 'x-dlq-time',
} as const;

const DLQ_PREFIX = 'x-dlq-';

/** The headers without any `x-dlq-*` one (what a replay sends back to the main topic). */
export function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!name.toLowerCase().startsWith(DLQ_PREFIX)) kept[name] = value;
  }
  return kept;
}

export interface MessageOrigin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** The dead-letter message for `origin`. Times are ISO 8601 (the original one is Kafka's timestamp). */
export function deadLetterMessage(
  { topic, partition, message }: MessageOrigin,
  failure: Pick<RejectedEvent, 'code' | 'reason' | 'step'>,
  now: Date,
): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      // A message dead-lettered again after a replay gets fresh x-dlq headers, not two sets.
      ...withoutDeadLetterHeaders(message.headers),
      [DLQ_HEADERS.reason]: failure.reason,
      [DLQ_HEADERS.code]: failure.code,
      [DLQ_HEADERS.step]: failure.step,
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: String(partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.originalTimestamp]: new Date(Number(message.timestamp)).toISOString(),
      [DLQ_HEADERS.time]: now.toISOString(),
    },
  };
}
