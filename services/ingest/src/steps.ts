import { decodeEventBytes, type DEAD_LETTER_REASONS } from '@pi-egress/core';
import type { KafkaMessage } from 'kafkajs';

/**
 * The per-message steps of a batch return typed results instead of throwing (the batch-consumer
 * pattern): a message is either carried on, sent to the dead-letter topic with its reason, or
 * dropped on purpose. Only infrastructure failures (store, Kafka) throw.
 */

/** Why a message was dead-lettered: the `reason` label of pi_egress_dead_letters_total. */
export type DeadLetterCode = (typeof DEAD_LETTER_REASONS)[number];

/** The step that refused the message (header `x-dlq-step`). */
export type PipelineStep = 'decode' | 'validate';

export interface DeadLetter {
  kind: 'dead-letter';
  step: PipelineStep;
  code: DeadLetterCode;
  /** Field-named and value-free (never echoes the input, which may hold raw subject ids). */
  reason: string;
}

export type StepResult<T> = { kind: 'ok'; value: T } | DeadLetter | { kind: 'drop'; why: string };

/** Size, then strict UTF-8, then JSON. The schema is checked by `ingestEvents` afterwards. */
export function decodeMessage(message: Pick<KafkaMessage, 'value'>, maxMessageBytes: number): StepResult<unknown> {
  // A null value is a tombstone (a deletion marker on a compacted topic), not an event.
  if (message.value === null) return { kind: 'drop', why: 'tombstone (message without a value)' };
  if (message.value.length > maxMessageBytes) {
    const reason = `(root): message of ${message.value.length} bytes exceeds the limit of ${maxMessageBytes} bytes (EGRESS_MAX_MESSAGE_BYTES)`;
    return { kind: 'dead-letter', step: 'decode', code: 'oversized', reason };
  }
  const decoded = decodeEventBytes(message.value);
  return decoded.ok ? { kind: 'ok', value: decoded.value } : { kind: 'dead-letter', step: 'decode', code: decoded.problem, reason: decoded.reason };
}

/** The domain's clock-skew rejection (parseEvent); every other validation reason is a schema error. */
const FUTURE_OCCURRED_AT = /^occurredAt: in the future/;

/** A rejection reported by `ingestEvents` for a decoded message. */
export function validationFailure(reason: string): DeadLetter {
  return { kind: 'dead-letter', step: 'validate', code: FUTURE_OCCURRED_AT.test(reason) ? 'future_timestamp' : 'schema', reason };
}
