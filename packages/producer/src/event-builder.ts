import { parseEvent, pseudonymise, type EgressEventInput, type EventSubject, type NormaliseOptions } from '@pi-egress/domain';
import { randomUUID } from 'node:crypto';

/**
 * Producer-side helpers: they reuse the monitor's own normalisation, HMAC and schema
 * (@pi-egress/domain), so an `idHash` computed here meets the monitor's pseudonym of the same person.
 */

/**
 * The `idHash` of a raw subject id under the monitor's EGRESS_SUBJECT_KEY, normalised first
 * exactly as the monitor does (give the monitor's EGRESS_PHONE_REGION when it is not CN).
 */
export function subjectIdHash(rawId: string, subjectKey: string | Buffer, options: NormaliseOptions = {}): string {
  return pseudonymise(rawId, subjectKey, options);
}

/** An event as a producer writes it, with `eventId` and `occurredAt` optional. */
export type EventDraft = Omit<EgressEventInput, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: string | Date };

export class InvalidEventError extends Error {
  constructor(readonly reason: string) {
    super(`invalid egress event: ${reason}`);
    this.name = 'InvalidEventError';
  }
}

/** With the key, raw ids are replaced by their idHash here, so raw ids never leave the producer. */
function pseudonymiseSubjects(subjects: readonly EventSubject[], subjectKey: string | Buffer, options: NormaliseOptions): EventSubject[] {
  return subjects.map(({ id, ...rest }) => (id === undefined ? rest : { ...rest, idHash: subjectIdHash(id, subjectKey, options) }));
}

/**
 * A valid event (contract v1), ready to be sent as JSON: a fresh eventId and the current time
 * unless given. Throws InvalidEventError with the monitor's own reason when it would be refused.
 */
export function buildEvent(draft: EventDraft, options: { subjectKey?: string | Buffer; now?: Date } & NormaliseOptions = {}): EgressEventInput {
  const now = options.now ?? new Date();
  const { eventId = randomUUID(), occurredAt = now, subjects, ...rest } = draft;
  const event: EgressEventInput = {
    eventId,
    occurredAt: occurredAt instanceof Date ? occurredAt.toISOString() : occurredAt,
    ...rest,
    subjects: options.subjectKey === undefined ? subjects : pseudonymiseSubjects(subjects, options.subjectKey, options),
  };
  const parsed = parseEvent(event, now);
  if (!parsed.ok) throw new InvalidEventError(parsed.reason);
  return event;
}
