import { egressEventJsonSchema } from '@pi-egress/domain';
import { z } from 'zod';

/** The event contract as producers write it (JSON Schema 2020-12, which OpenAPI 3.1 embeds). */
function eventContract(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = egressEventJsonSchema();
  return schema;
}

/**
 * The body of POST /v1/events. Each event is validated on its own by the ingest pipeline (an
 * invalid one is reported, the others still count), so the route itself only requires a non-empty
 * array; the document shows each item's full contract.
 */
export function eventBatchSchema(maxEvents: number) {
  return z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(maxEvents)
    .meta({ items: eventContract(), description: 'Egress events; as NDJSON one event per line' });
}

/** The body of POST /v1/admission: an event whose eventId is optional and whose occurredAt defaults to now. */
export function admissionBodySchema() {
  const contract = eventContract();
  const required = ((contract.required as string[] | undefined) ?? []).filter((field) => field !== 'eventId' && field !== 'occurredAt');
  const properties = {
    ...(contract.properties as Record<string, unknown>),
    reserve: { type: 'boolean', default: false, description: 'Hold the capacity this transfer adds (5 minutes, or until its eventId is ingested)' },
  };
  return z.looseObject({}).meta({
    ...contract,
    properties,
    title: 'ProposedTransfer',
    required,
    description: 'An egress event (contract v1) with eventId optional and occurredAt defaulting to now, and whether to reserve',
  });
}
