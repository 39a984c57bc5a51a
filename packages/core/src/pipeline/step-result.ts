import type { EventRejectionCode } from '@pi-egress/domain';

/**
 * Every ingest step returns a typed result instead of throwing (PostHog's pipeline pattern): the
 * input goes on (`ok`), is refused with a machine code and a field-named reason (`dead-letter`:
 * the dead-letter topic on Kafka, a `rejected[]` entry over HTTP), or is dropped on purpose
 * (`drop`, e.g. a Kafka tombstone). Only infrastructure failures (store, Kafka) throw.
 */

/** Why an input was refused: the `code` of an HTTP rejection, the `reason` label of pi_egress_dead_letters_total. */
export type RejectionCode = 'oversized' | 'not_utf8' | 'not_json' | EventRejectionCode | 'store_refused';

/** Every rejection code, for metrics that start at zero and for documentation. */
export const REJECTION_CODES: readonly RejectionCode[] = Object.freeze([
  'oversized',
  'not_utf8',
  'not_json',
  'schema',
  'invalid_text',
  'future_timestamp',
  'occurred_at_out_of_range',
  'store_refused',
]);

/** The step that refused an input (Kafka header `x-dlq-step`). */
export type PipelineStep = 'decode' | 'validate' | 'write';

export interface Refused {
  kind: 'dead-letter';
  step: PipelineStep;
  code: RejectionCode;
  /** Field-named and value-free: never echoes the input, which may hold raw subject ids. */
  reason: string;
  eventId?: string;
}

export type StepResult<T> = { kind: 'ok'; value: T } | Refused | { kind: 'drop'; why: string };

export const ok = <T>(value: T): StepResult<T> => ({ kind: 'ok', value });

export function refused(step: PipelineStep, code: RejectionCode, reason: string, eventId?: string): Refused {
  return eventId === undefined ? { kind: 'dead-letter', step, code, reason } : { kind: 'dead-letter', step, code, reason, eventId };
}
