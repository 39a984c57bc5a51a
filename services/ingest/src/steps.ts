import { decodeEventBytes, type Refused, type RejectionCode, type StepResult } from '@pi-egress/core';
import type { KafkaMessage } from 'kafkajs';

/**
 * The Kafka decode step. The rest of the chain (validate → prepare → write) is core's, shared
 * with HTTP ingest; every refusal there comes back with its code, so nothing here re-reads reasons.
 */

/** Why a message was dead-lettered: the `reason` label of pi_egress_dead_letters_total. */
export type DeadLetterCode = RejectionCode;
export type DeadLetter = Refused;

/** Drops tombstones, then core's decode step (size, strict UTF-8, JSON). */
export function decodeMessage(message: Pick<KafkaMessage, 'value'>, maxMessageBytes: number): StepResult<unknown> {
  // A null value is a tombstone (a deletion marker on a compacted topic), not an event.
  if (message.value === null) return { kind: 'drop', why: 'tombstone (message without a value)' };
  return decodeEventBytes(message.value, maxMessageBytes, 'EGRESS_MAX_MESSAGE_BYTES');
}
