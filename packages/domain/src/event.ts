import { z } from 'zod';
import { categoryCodeSchema, identifier, MAX_CATEGORIES, MAX_LONG_ID_LENGTH, purposeSchema, recipientSchema, wellFormedText } from './fields.js';
import { formatIssues, joinReasons, safeErrorMap } from './issues.js';
import { ID_HASH_RE } from './subject.js';

/** Egress event, contract v1 (SPEC §3): one JSON object per transfer. */

export const MAX_SUBJECTS_PER_EVENT = 50_000;
/** An `occurredAt` later than now + 5 minutes is rejected as clock skew (SPEC §3). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * The earliest `occurredAt` accepted. PIPL dates from 2021; anything before 2000 is a producer bug
 * (a zero or epoch timestamp), not a transfer to count in a year long gone.
 */
export const EARLIEST_OCCURRED_AT = new Date('2000-01-01T00:00:00Z');

export const MECHANISMS = Object.freeze(['certification', 'standard_contract', 'security_assessment', 'exempt'] as const);
export type Mechanism = (typeof MECHANISMS)[number];

/** 2024 Provisions on Promoting and Regulating Cross-Border Data Flow, Art. 5 exemptions. */
export const EXEMPTION_BASES = Object.freeze(['contract_necessity', 'hr_management', 'emergency'] as const);
export type ExemptionBasis = (typeof EXEMPTION_BASES)[number];

/**
 * How the PI left: sent (`transfer`) or read from abroad while stored in China (`remote_access`).
 * Overseas access counts as providing it abroad (CAC guidance on filing standard contracts):
 * counting and scope rules are the same.
 */
export const CHANNELS = Object.freeze(['transfer', 'remote_access'] as const);
export type Channel = (typeof CHANNELS)[number];

/** Mechanisms whose transfers are made under an instrument the event cites. */
export const INSTRUMENT_MECHANISMS = Object.freeze(['certification', 'standard_contract', 'security_assessment'] as const);

const categoriesSchema = z.array(categoryCodeSchema).min(1).max(MAX_CATEGORIES);

/** Exactly one of `id` (raw, pseudonymised on arrival) or `idHash` (already pseudonymised). */
export const subjectSchema = z
  .strictObject({
    id: wellFormedText(z.string().max(MAX_LONG_ID_LENGTH).regex(/\S/, 'must not be blank')).optional(),
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
  {
    if: { required: ['mechanism'], properties: { mechanism: { const: 'certification' } } },
    then: { anyOf: [{ required: ['certificateId'] }, { required: ['instrumentId'] }] },
  },
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
    /** The SCC filing or SA approval used (for certification, certificateId; or this, naming the certificate). */
    instrumentId: identifier().optional(),
    mechanism: z.enum(MECHANISMS),
    channel: z.enum(CHANNELS).default('transfer'),
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
      if (e.mechanism === 'certification' && e.certificateId === undefined && e.instrumentId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['certificateId'], message: 'is required when mechanism is certification' });
      }
      if (e.mechanism === 'certification' && e.certificateId !== undefined && e.instrumentId !== undefined && e.certificateId !== e.instrumentId) {
        ctx.addIssue({ code: 'custom', path: ['instrumentId'], message: 'must equal certificateId when both are given' });
      }
      if (e.mechanism === 'exempt' && e.instrumentId !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['instrumentId'], message: 'is not allowed when mechanism is exempt' });
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

/**
 * The instrument an event cites: for certification its certificateId (or instrumentId), for a
 * standard contract or an assessment its instrumentId (a certificateId there was never read);
 * null when none (exempt, or none named).
 */
export function citedInstrumentId(event: {
  mechanism: string;
  certificateId?: string | undefined;
  instrumentId?: string | undefined;
}): string | null {
  if (event.mechanism === 'certification') return event.certificateId ?? event.instrumentId ?? null;
  if (event.mechanism === 'exempt') return null;
  return event.instrumentId ?? null;
}
/** Event as produced (defaults not yet applied). */
export type EgressEventInput = z.input<typeof egressEventSchema>;

/**
 * Why an event was refused, as a stable machine code (the `code` of an HTTP rejection, the
 * `reason` label of pi_egress_dead_letters_total); the human reason names the field.
 */
export type EventRejectionCode = 'schema' | 'invalid_text' | 'future_timestamp' | 'occurred_at_out_of_range';

export type EventParseResult =
  | { ok: true; event: EgressEvent }
  | { ok: false; code: EventRejectionCode; reason: string; reasons: string[]; eventId?: string };

function isTextProblem(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as { textProblem?: boolean } | undefined)?.textProblem === true;
}

/** Inside a subject even a key name could be a raw id: never echo it. */
function redactSubjectKeys(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'unrecognized_keys' || issue.path[0] !== 'subjects') return issue;
  return { ...issue, message: 'unrecognized key (allowed: id, idHash, categories)' };
}

const eventIdSchema = identifier();

function eventIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as { eventId?: unknown }).eventId;
  return eventIdSchema.safeParse(id).success ? (id as string) : undefined;
}

/**
 * Validates one event. The reason names the field ("subjects[3].idHash: must be 64 hex
 * characters") and never contains a value from the input, so no raw subject id can leak.
 */
export function parseEvent(input: unknown, now: Date): EventParseResult {
  const result = egressEventSchema.safeParse(input, { error: safeErrorMap });
  const fail = (code: EventRejectionCode, ...reasons: string[]): EventParseResult => {
    const failure = { ok: false as const, code, reason: joinReasons(reasons), reasons };
    const eventId = eventIdOf(input);
    return eventId === undefined ? failure : { ...failure, eventId };
  };
  if (!result.success) {
    const issues = result.error.issues;
    const code = issues.some(isTextProblem) ? 'invalid_text' : 'schema';
    return fail(code, ...formatIssues(issues.map(redactSubjectKeys)));
  }
  const occurredMs = Date.parse(result.data.occurredAt);
  if (!Number.isFinite(occurredMs)) return fail('occurred_at_out_of_range', 'occurredAt: must be a valid instant');
  if (occurredMs > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return fail('future_timestamp', 'occurredAt: in the future beyond the allowed 5 minutes of clock skew');
  }
  if (occurredMs < EARLIEST_OCCURRED_AT.getTime()) {
    return fail('occurred_at_out_of_range', `occurredAt: must not be before ${EARLIEST_OCCURRED_AT.toISOString()}`);
  }
  return { ok: true, event: result.data };
}

/** JSON Schema (draft 2020-12) of the event as producers write it. */
export function egressEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(egressEventSchema, { io: 'input' }) as Record<string, unknown>;
}
