import { parseEvent, prepareTransfer, type EventParseResult, type PreparedTransfer } from '@pi-egress/domain';
import type { WriteResult } from '@pi-egress/store';
import type { MonitorContext } from './context.js';

export interface RejectedEvent {
  /** Position of the event in the submitted batch. */
  index: number;
  eventId?: string;
  reason: string;
}

export interface IngestReport {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
  /** Subject rows (person × class × scope) written. */
  subjectRows: number;
  /** The transfers newly stored, for follow-up checks (alerts on out-of-scope, metrics). */
  transfers: PreparedTransfer[];
}

/** An input that failed before it could be parsed (bad JSON line, invalid UTF-8, too large). */
export class UnparsedInput {
  constructor(
    readonly reason: string,
    readonly eventId?: string,
  ) {}
}

/**
 * Validates each event on its own, prepares the valid ones (pseudonymised at once: nothing raw
 * goes further) and writes them in one batch. Invalid events are reported with their index and
 * reason; they never hold back the valid ones.
 */
export async function ingestEvents(ctx: MonitorContext, inputs: readonly unknown[]): Promise<IngestReport> {
  const now = ctx.now();
  const rejected: RejectedEvent[] = [];
  const prepared: PreparedTransfer[] = [];
  for (const [index, input] of inputs.entries()) {
    const parsed: EventParseResult =
      input instanceof UnparsedInput
        ? { ok: false, reason: input.reason, ...(input.eventId ? { eventId: input.eventId } : {}) }
        : parseEvent(input, now);
    if (!parsed.ok) {
      rejected.push({ index, reason: parsed.reason, ...(parsed.eventId ? { eventId: parsed.eventId } : {}) });
      continue;
    }
    const event = parsed.event;
    const [certificate, processor] = await Promise.all([
      event.certificateId ? ctx.store.scopes.certificate(event.certificateId) : undefined,
      ctx.store.scopes.processor(event.processorId),
    ]);
    prepared.push(prepareTransfer(event, { key: ctx.subjectKey, catalogue: ctx.catalogue, certificate, processor, phoneRegion: ctx.phoneRegion }));
  }
  const written: WriteResult = prepared.length
    ? await ctx.store.writer.write(prepared)
    : { accepted: [], duplicates: [], subjectRows: 0 };
  return {
    accepted: written.accepted.length,
    duplicates: written.duplicates.length,
    rejected,
    subjectRows: written.subjectRows,
    transfers: written.accepted,
  };
}
