import { z } from 'zod';
import { categoryCodeSchema, identifier, MAX_CATEGORIES, MAX_LONG_ID_LENGTH, purposeSchema, recipientSchema } from './fields.js';
import { formatIssues, joinReasons, safeErrorMap } from './issues.js';
import { ID_HASH_RE } from './subject.js';

/** Egress event, contract v1 (SPEC §3): one JSON object per transfer. */

export const MAX_SUBJECTS_PER_EVENT = 50_000;
/** An `occurredAt` later than now + 5 minutes is rejected as clock skew (SPEC §3). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const MECHANISMS = Object.freeze(['certification', 'standard_contract', 'security_assessment', 'exempt'] as const);
export type Mechanism = (typeof MECHANISMS)[number];

/** 2024 Provisions on Promoting and Regulating Cross-Border Data Flow, Art. 5 exemptions. */
export const EXEMPTION_BASES = Object.freeze(['contract_necessity', 'hr_management', 'emergency'] as const);
export type ExemptionBasis = (typeof EXEMPTION_BASES)[number];

const categoriesSchema = z.array(categoryCodeSchema).min(1).max(MAX_CATEGORIES);

/** Exactly one of `id` (raw, pseudonymised on arrival) or `idHash` (already pseudonymised). */
export const subjectSchema = z
  .strictObject({
    id: z.string().max(MAX_LONG_ID_LENGTH).regex(/\S/, 'must not be blank').optional(),
    idHash: z.string().regex(ID_HASH_RE, 'must be 64 hex characters').optional(),
    /** When present, replaces the transfer's categories for this subject. */
    categories: categoriesSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.id === undefined) === (s.idHash === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must have exactly one of id or idHash' });
    }
  })
  .meta({ oneOf: [{ required: ['id'] }, { required: ['idHash'] }] });
export type EventSubject = z.infer<typeof subjectSchema>;

const mechanismRules = [
  { if: { required: ['mechanism'], properties: { mechanism: { const: 'certification' } } }, then: { required: ['certificateId'] } },
  {
    if: { required: ['mechanism'], properties: { mechanism: { const: 'exempt' } } },
    then: { required: ['exemptionBasis'] },
    else: { not: { required: ['exemptionBasis'] } },
  },
];

export const egressEventSchema = z
  .strictObject({
    eventId: identifier(),
    occurredAt: z.iso.datetime({ offset: true }),
    processorId: identifier(),
    certificateId: identifier().optional(),
    mechanism: z.enum(MECHANISMS),
    exemptionBasis: z.enum(EXEMPTION_BASES).optional(),
    system: identifier().optional(),
    recipient: recipientSchema,
    purpose: purposeSchema,
    categories: categoriesSchema,
    importantData: z.boolean().default(false),
    subjects: z.array(subjectSchema).min(1).max(MAX_SUBJECTS_PER_EVENT, `must have at most ${MAX_SUBJECTS_PER_EVENT} subjects per event`),
  })
  .superRefine(
    (e, ctx) => {
      if (e.mechanism === 'certification' && e.certificateId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['certificateId'], message: 'is required when mechanism is certification' });
      }
      if (e.mechanism === 'exempt' && e.exemptionBasis === undefined) {
        ctx.addIssue({ code: 'custom', path: ['exemptionBasis'], message: 'is required when mechanism is exempt' });
      }
      if (e.mechanism !== undefined && e.mechanism !== 'exempt' && e.exemptionBasis !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['exemptionBasis'], message: 'is allowed only when mechanism is exempt' });
      }
    },
    // Also run when other fields failed, so a response lists every error.
    { when: (p) => typeof p.value === 'object' && p.value !== null },
  )
  .meta({
    title: 'EgressEvent',
    description: 'One outbound transfer of personal information (contract v1)',
    allOf: mechanismRules,
  });

export type EgressEvent = z.infer<typeof egressEventSchema>;
/** Event as produced (defaults not yet applied). */
export type EgressEventInput = z.input<typeof egressEventSchema>;

export type EventParseResult = { ok: true; event: EgressEvent } | { ok: false; reason: string; eventId?: string };

/** Inside a subject even a key name could be a raw id: never echo it. */
function redactSubjectKeys(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'unrecognized_keys' || issue.path[0] !== 'subjects') return issue;
  return { ...issue, message: 'unrecognized key (allowed: id, idHash, categories)' };
}

function eventIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as { eventId?: unknown }).eventId;
  return identifier().safeParse(id).success ? (id as string) : undefined;
}

/**
 * Validates one event. The reason names the field ("subjects[3].idHash: must be 64 hex
 * characters") and never contains a value from the input, so no raw subject id can leak.
 */
export function parseEvent(input: unknown, now: Date): EventParseResult {
  const result = egressEventSchema.safeParse(input, { error: safeErrorMap });
  const eventId = eventIdOf(input);
  const fail = (reason: string): EventParseResult => (eventId === undefined ? { ok: false, reason } : { ok: false, reason, eventId });
  if (!result.success) return fail(joinReasons(formatIssues(result.error.issues.map(redactSubjectKeys))));
  const occurredMs = Date.parse(result.data.occurredAt);
  if (!Number.isFinite(occurredMs)) return fail('occurredAt: must be a valid instant');
  if (occurredMs > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return fail('occurredAt: in the future beyond the allowed 5 minutes of clock skew');
  }
  return { ok: true, event: result.data };
}

/**
 * Parses one event from its JSON text (a Kafka message value or an NDJSON line). Invalid JSON is
 * reported without echoing the text.
 */
export function parseEventJson(text: string | Buffer, now: Date): EventParseResult {
  let input: unknown;
  try {
    input = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch {
    return { ok: false, reason: '(root): not valid JSON' };
  }
  return parseEvent(input, now);
}

/** JSON Schema (draft 2020-12) of the event as producers write it. */
export function egressEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(egressEventSchema, { io: 'input' }) as Record<string, unknown>;
}
