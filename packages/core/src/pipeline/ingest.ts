import { citedInstrumentId, parseEvent, prepareTransfer, type EgressEvent, type PrepareContext, type PreparedTransfer } from '@pi-egress/domain';
import { isDataRefused, type WriteResult } from '@pi-egress/store';
import type { MonitorContext } from '../context.js';
import { ok, refused, type Refused, type RejectionCode, type StepResult } from './step-result.js';

/**
 * The ingest chain shared by HTTP and Kafka: decode (decode.ts, by the caller, which owns the
 * bytes) → validate → prepare → write. Each event enters each step once; a refused event leaves
 * the chain with its code and is reported at its index, never holding back the others.
 */

export interface RejectedEvent {
  /** Position of the event in the submitted batch. */
  index: number;
  eventId?: string;
  code: RejectionCode;
  reason: string;
  step: Refused['step'];
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

/** validate: the event contract (SPEC §3), text hygiene and the occurredAt range. */
export function validateStep(input: unknown, now: Date): StepResult<EgressEvent> {
  const parsed = parseEvent(input, now);
  return parsed.ok ? ok(parsed.event) : refused('validate', parsed.code, parsed.reason, parsed.eventId);
}

/** What judging an event needs: the versions of the instrument it cites and its processor's settings. */
export async function judgingContext(ctx: MonitorContext, event: EgressEvent): Promise<Pick<PrepareContext, 'versions' | 'processor'>> {
  const instrumentId = citedInstrumentId(event);
  const [versions, processor] = await Promise.all([
    instrumentId ? ctx.store.scopes.certificateVersions(instrumentId) : undefined,
    ctx.store.scopes.processor(event.processorId),
  ]);
  return { versions, processor };
}

/** prepare: pseudonymise at once (nothing raw goes further), classify, judge against the scope. */
export async function prepareStep(ctx: MonitorContext, event: EgressEvent): Promise<PreparedTransfer> {
  const judging = await judgingContext(ctx, event);
  return prepareTransfer(event, { key: ctx.subjectKey, catalogue: ctx.catalogue, phoneRegion: ctx.phoneRegion, ...judging });
}

interface WriteOutcome {
  written: WriteResult;
  /** Transfers whose rows the store refused as data (after validation: a defence, not a path). */
  refused: Map<PreparedTransfer, Refused>;
}

/**
 * write: one durable batch. A transient store failure throws (nothing is acknowledged; the same
 * batch may be sent again: subject rows are idempotent and a stored eventId is not written twice).
 * When the store refuses the data itself, the batch is split in halves until the refused events
 * are found; they are reported, the rest is written.
 */
export async function writeStep(ctx: MonitorContext, transfers: readonly PreparedTransfer[]): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { written: { accepted: [], duplicates: [], subjectRows: 0 }, refused: new Map() };
  const write = async (part: readonly PreparedTransfer[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      const result = await ctx.store.writer.write(part);
      outcome.written.accepted.push(...result.accepted);
      outcome.written.duplicates.push(...result.duplicates);
      outcome.written.subjectRows += result.subjectRows;
    } catch (error) {
      if (!isDataRefused(error)) throw error;
      if (part.length === 1) {
        const transfer = part[0]!;
        outcome.refused.set(transfer, refused('write', 'store_refused', '(root): the store refused this event as data', transfer.eventId));
        return;
      }
      const middle = Math.ceil(part.length / 2);
      await write(part.slice(0, middle));
      await write(part.slice(middle));
    }
  };
  await write(transfers);
  return outcome;
}

/**
 * Runs a batch through the chain. `decoded` holds the decode step's result of each submitted
 * event, in order (a JSON array's elements are all `ok`), so indexes in the report match the batch.
 */
export async function ingestDecoded(ctx: MonitorContext, decoded: ReadonlyArray<StepResult<unknown>>): Promise<IngestReport> {
  const now = ctx.now();
  const rejected: RejectedEvent[] = [];
  const reject = (index: number, failure: Refused) =>
    rejected.push({
      index,
      code: failure.code,
      reason: failure.reason,
      step: failure.step,
      ...(failure.eventId ? { eventId: failure.eventId } : {}),
    });

  const prepared: PreparedTransfer[] = [];
  const indexOf = new Map<PreparedTransfer, number>();
  for (const [index, input] of decoded.entries()) {
    const validated = input.kind === 'ok' ? validateStep(input.value, now) : input;
    if (validated.kind === 'drop') continue;
    if (validated.kind === 'dead-letter') {
      reject(index, validated);
      continue;
    }
    const transfer = await prepareStep(ctx, validated.value);
    indexOf.set(transfer, index);
    prepared.push(transfer);
  }

  const { written, refused: refusedByStore } = await writeStep(ctx, prepared);
  for (const [transfer, failure] of refusedByStore) reject(indexOf.get(transfer)!, failure);
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: written.accepted.length,
    duplicates: written.duplicates.length,
    rejected,
    subjectRows: written.subjectRows,
    transfers: written.accepted,
  };
}

/** Runs already-parsed JSON values (a JSON array body, a test's events) through the chain. */
export function ingestEvents(ctx: MonitorContext, values: readonly unknown[]): Promise<IngestReport> {
  return ingestDecoded(
    ctx,
    values.map((value) => ok(value)),
  );
}
