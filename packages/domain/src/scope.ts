import { z } from 'zod';
import { addMonthsToDate, isValidDate, lastDayOfYears } from './calendar.js';
import { categoryCodeSchema, identifier, MAX_LONG_ID_LENGTH, overseasRecipientSchema, purposeSchema } from './fields.js';
import { declarationValidator, type Validation } from './issues.js';
import { CEILINGS } from './pathway.js';

/** Declared scope of a certification (SPEC §4; Order No. 20). */

export type CertificateStatus = 'active' | 'suspended' | 'revoked' | 'expired';
export const CERTIFICATE_STATUSES: readonly CertificateStatus[] = Object.freeze(['active', 'suspended', 'revoked', 'expired'] as const);

/** A certificate is valid at most 3 years: validTo ≤ validFrom + 3 years − 1 day. */
export const MAX_VALIDITY_YEARS = 3;
/** A renewal application is due 6 months before expiry. */
export const RENEWAL_MONTHS_BEFORE_EXPIRY = 6;

export const DEFAULT_ALERTING = Object.freeze({
  levels: Object.freeze([0.8, 0.9, 0.95]) as readonly number[],
  forecastHorizonDays: 30,
  renewalLeadDays: 30,
});

export const dateSchema = z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' });

export const alertingSchema = z.strictObject({
  /** Utilisation levels, strictly ascending, each in (0, 1]. */
  levels: z
    .array(z.number().gt(0).lte(1))
    .min(1)
    .max(10)
    .default([...DEFAULT_ALERTING.levels]),
  forecastHorizonDays: z.int().min(1).max(366).default(DEFAULT_ALERTING.forecastHorizonDays),
  renewalLeadDays: z.int().min(0).max(366).default(DEFAULT_ALERTING.renewalLeadDays),
});

/** Declared volume caps; never above the ceilings N ≤ 999,999 and S ≤ 9,999 under a certificate or standard contract. */
export const ceilingLimitsSchema = z.strictObject({
  nonSensitive: z.int().min(0).max(CEILINGS.nonSensitive, `must not exceed ${CEILINGS.nonSensitive} (1,000,000 以上 requires a security assessment)`),
  sensitive: z.int().min(0).max(CEILINGS.sensitive, `must not exceed ${CEILINGS.sensitive} (10,000 以上 requires a security assessment)`),
});
export type ScopeLimits = z.infer<typeof ceilingLimitsSchema>;

/** The fields every declared scope has, whatever its kind (SPEC §4). */
export const scopeFields = {
  processorId: identifier(),
  groupId: identifier().optional(),
  validFrom: dateSchema,
  status: z.enum(CERTIFICATE_STATUSES as readonly [CertificateStatus, ...CertificateStatus[]]).default('active'),
  /** The successor's id; an expired scope with an active successor stops alerting. */
  supersededBy: identifier().optional(),
  recipients: z.array(overseasRecipientSchema).min(1).max(10_000),
  categories: z.array(categoryCodeSchema).min(1).max(1_000),
  purposes: z.array(purposeSchema).min(1).max(1_000),
  /**
   * When this version takes effect (RFC 3339): it judges the transfers that occurred from then on,
   * until a later version's. Default: now; a scope's first version applies from the start.
   */
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
  alerting: alertingSchema.default({
    levels: [...DEFAULT_ALERTING.levels],
    forecastHorizonDays: DEFAULT_ALERTING.forecastHorizonDays,
    renewalLeadDays: DEFAULT_ALERTING.renewalLeadDays,
  }),
};

/** A date (YYYY-MM-DD) or an instant, e.g. when a renewal was applied for. */
export const dateOrInstantSchema = z.union([dateSchema, z.iso.datetime({ offset: true })]);

/** Cross-field rules run whenever the input is an object, even with invalid fields, so one answer lists every error. */
export const ruleWhenObject = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

export const certificateSchema = z
  .strictObject({
    certificateId: identifier(),
    processorId: scopeFields.processorId,
    groupId: scopeFields.groupId,
    issuedBy: identifier(MAX_LONG_ID_LENGTH),
    validFrom: scopeFields.validFrom,
    /** Last day of validity (inclusive). */
    validTo: dateSchema,
    status: scopeFields.status,
    renewalAppliedAt: dateOrInstantSchema.optional(),
    supersededBy: scopeFields.supersededBy,
    /** A CII operator may not use certification (PIPL Art. 40): must be false. */
    ciiOperator: z.boolean().default(false),
    /** Declared caps; must not exceed the ceilings N ≤ 999,999 and S ≤ 9,999. */
    limits: ceilingLimitsSchema,
    recipients: scopeFields.recipients,
    categories: scopeFields.categories,
    purposes: scopeFields.purposes,
    effectiveFrom: scopeFields.effectiveFrom,
    alerting: scopeFields.alerting,
  })
  // Cross-field rules also run when other fields are invalid, so one response lists every error.
  .superRefine((c, ctx) => scopeRules(c, ctx), ruleWhenObject)
  .meta({
    title: 'Certificate',
    description: 'Declared scope of a PI outbound-transfer certification (PIPL Art. 38(1)(2))',
  });

/** Rules spanning several fields; defensive because it also sees partly invalid input. */
export function scopeRules(
  c: { ciiOperator?: unknown; validFrom?: unknown; validTo?: unknown; alerting?: unknown },
  ctx: z.RefinementCtx,
  /** Longest validity; null: none (a standard contract runs as long as the parties agree). */
  maxValidityYears: number | null = MAX_VALIDITY_YEARS,
): void {
  if (c.ciiOperator === true) {
    ctx.addIssue({ code: 'custom', path: ['ciiOperator'], message: 'must be false: a CII operator may not use certification' });
  }
  if (typeof c.validFrom === 'string' && typeof c.validTo === 'string' && isValidDate(c.validFrom) && isValidDate(c.validTo)) {
    if (c.validTo < c.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
    } else if (maxValidityYears !== null && c.validTo > lastDayOfYears(c.validFrom, maxValidityYears)) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be at most validFrom + 3 years − 1 day (2026-01-01 → 2028-12-31)' });
    }
  }
  const levels = typeof c.alerting === 'object' && c.alerting !== null ? (c.alerting as { levels?: unknown }).levels : undefined;
  if (Array.isArray(levels)) {
    levels.forEach((level: unknown, i) => {
      const prev: unknown = levels[i - 1];
      if (typeof level === 'number' && typeof prev === 'number' && level <= prev) {
        ctx.addIssue({
          code: 'custom',
          path: ['alerting', 'levels', i],
          message: 'must be greater than the previous level (levels ascend strictly)',
        });
      }
    });
  }
}

export type Certificate = z.infer<typeof certificateSchema>;
/** Certificate as written by an administrator (defaults not yet applied). */
export type CertificateInput = z.input<typeof certificateSchema>;

export type CertificateValidation = Validation<'certificate', Certificate>;

/**
 * Validates a declared scope; every error names its field ("limits.nonSensitive: must not exceed
 * 999999 ..."). When `idFromPath` is given, `certificateId` must equal it.
 */
export const validateCertificate = declarationValidator(certificateSchema, 'certificateId', 'certificate');

/** Date a renewal application is due: validTo − 6 months (month-end clamped). */
export function renewalDueDate(c: Pick<Certificate, 'validTo'>): string {
  return addMonthsToDate(c.validTo, -RENEWAL_MONTHS_BEFORE_EXPIRY);
}

/** True when the China date `date` falls within validFrom..validTo inclusive (no validTo: open-ended). */
export function withinValidity(c: { validFrom: string; validTo?: string | undefined }, date: string): boolean {
  return date >= c.validFrom && (c.validTo === undefined || date <= c.validTo);
}
