import { z } from 'zod';
import { identifier, MAX_LONG_ID_LENGTH } from './fields.js';
import { declarationValidator, type Validation } from './issues.js';
import { CEILINGS } from './pathway.js';
import {
  ceilingLimitsSchema,
  certificateSchema,
  dateOrInstantSchema,
  dateSchema,
  MAX_VALIDITY_YEARS,
  scopeFields,
  ruleWhenObject,
  scopeRules,
  type Certificate,
  type ScopeLimits,
} from './scope.js';

/**
 * The three lawful pathways' instruments (PIPL Art. 38, SPEC §2): a certificate, a standard
 * contract filed with the provincial CAC (SCC Measures) or a security-assessment approval (2024
 * Provisions Art. 8). Each is granted for a declared scope, versioned the same way; the kind
 * decides which mechanism may cite it and which lifecycle rules apply.
 */
export const INSTRUMENT_KINDS = Object.freeze(['certification', 'standard_contract', 'security_assessment'] as const);
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

/**
 * A declared scope of any kind, as stored and judged. A certificate is an instrument without
 * `kind` (or with kind `certification`), so every certificate is one; `certificateId` holds the
 * instrument's id whatever its kind (the counting scope id of its transfers).
 */
export type Instrument = Omit<Certificate, 'limits' | 'validTo' | 'issuedBy' | 'ciiOperator'> & {
  /** Absent on scopes declared as certificates. */
  kind?: InstrumentKind;
  issuedBy?: string;
  /** Absent: valid until further notice (a standard contract may have no end date). */
  validTo?: string;
  /** Declared caps; absent on a standard contract or assessment that declares none. */
  limits?: ScopeLimits;
  ciiOperator?: boolean;
  /** Standard contract: when it was filed with the provincial CAC (SCC Measures Art. 7). */
  filedAt?: string;
};

const notCii = z.literal(false, { error: 'must be false: a CII operator needs a security assessment (PIPL Art. 40)' }).default(false);

const { certificateId: _certificateId, ...certificateFields } = certificateSchema.shape;
const certificationSchema = z.strictObject({ kind: z.literal('certification'), instrumentId: identifier(), ...certificateFields });

const standardContractSchema = z.strictObject({
  kind: z.literal('standard_contract'),
  instrumentId: identifier(),
  ...scopeFields,
  /** The provincial CAC it is filed with. */
  issuedBy: identifier(MAX_LONG_ID_LENGTH).optional(),
  /** The contract's last day, when it has one. */
  validTo: dateSchema.optional(),
  /** Filed with the provincial CAC (due within 10 working days of the contract taking effect, SCC Measures Art. 7). */
  filedAt: dateOrInstantSchema.optional(),
  ciiOperator: notCii,
  /** The volumes in the filing; a standard contract never covers 1,000,000 non-sensitive or 10,000 sensitive 以上. */
  limits: ceilingLimitsSchema.optional(),
});

const securityAssessmentSchema = z.strictObject({
  kind: z.literal('security_assessment'),
  instrumentId: identifier(),
  ...scopeFields,
  /** The CAC's approval. */
  issuedBy: identifier(MAX_LONG_ID_LENGTH),
  /** Valid 3 years from the assessment result (2024 Provisions Art. 8): validTo ≤ validFrom + 3 years − 1 day. */
  validTo: dateSchema,
  /** When an extension of the result's validity was applied for. */
  renewalAppliedAt: dateOrInstantSchema.optional(),
  ciiOperator: z.boolean().default(false),
  /** The volumes in the application, if any (no legal ceiling applies). */
  limits: z.strictObject({ nonSensitive: z.int().min(0), sensitive: z.int().min(0) }).optional(),
});

export const instrumentSchema = z
  .discriminatedUnion('kind', [certificationSchema, standardContractSchema, securityAssessmentSchema])
  .superRefine(
    (i, ctx) =>
      scopeRules(
        { ...i, ciiOperator: i.kind === 'certification' ? i.ciiOperator : undefined },
        ctx,
        i.kind === 'standard_contract' ? null : MAX_VALIDITY_YEARS,
      ),
    ruleWhenObject,
  )
  .meta({
    title: 'Instrument',
    description: 'Declared scope of a certificate, a standard-contract filing or a security-assessment approval (PIPL Art. 38)',
  });

export type InstrumentInput = z.input<typeof instrumentSchema>;
/** An instrument as the API shows it: `instrumentId` and `kind`, never `certificateId`. */
export type InstrumentView = z.infer<typeof instrumentSchema>;

export type InstrumentValidation = Validation<'instrument', Instrument>;

/** Validates an instrument declaration; `instrumentId` must equal `idFromPath` when given. Stored as `certificateId`. */
export const validateInstrument = declarationValidator(
  instrumentSchema,
  'instrumentId',
  'instrument',
  ({ instrumentId, ...rest }) => ({ certificateId: instrumentId, ...rest }) as Instrument,
);

export function instrumentKind(i: Pick<Instrument, 'kind'>): InstrumentKind {
  return i.kind ?? 'certification';
}

/** A certificate (kind certification): what the /v1/certificates routes show. */
export function isCertificate(i: Instrument): i is Certificate {
  return instrumentKind(i) === 'certification';
}

/** The certificate as /v1/certificates has always shown it (no `kind`). */
export function certificateView(i: Certificate): Certificate {
  const { kind: _kind, ...certificate } = i as Certificate & { kind?: InstrumentKind };
  return certificate;
}

/** The instrument as /v1/instruments shows it. */
export function instrumentView(i: Instrument): InstrumentView {
  const { certificateId, ...rest } = i;
  return { kind: instrumentKind(i), instrumentId: certificateId, ...rest } as InstrumentView;
}

/**
 * The caps a scope's counts are judged against: the declared ones, else the ceilings for a
 * standard contract (it never covers 1,000,000 non-sensitive or 10,000 sensitive 以上: 2024
 * Provisions Art. 7 sends those to a security assessment); none for an assessment that declares
 * none.
 */
export function instrumentCaps(i: Pick<Instrument, 'kind' | 'limits'>): ScopeLimits | null {
  if (i.limits) return i.limits;
  return instrumentKind(i) === 'security_assessment' ? null : { ...CEILINGS };
}

/** Words for people: "certificate", "standard contract", "security assessment". */
export const INSTRUMENT_WORDS: Readonly<Record<InstrumentKind, string>> = {
  certification: 'certificate',
  standard_contract: 'standard contract',
  security_assessment: 'security-assessment approval',
};

/** "Certificate CERT-1", "Standard contract SCC-7": how descriptions name an instrument. */
export function instrumentName(i: Pick<Instrument, 'kind' | 'certificateId'>): string {
  const words = INSTRUMENT_WORDS[instrumentKind(i)];
  return `${words[0]!.toUpperCase()}${words.slice(1)} ${i.certificateId}`;
}

/** What transfers beyond an instrument's scope lead to, by kind, with the article that says so. */
export const OUT_OF_SCOPE_CONSEQUENCE: Readonly<Record<InstrumentKind, string>> = {
  certification: 'Transfers beyond the declared scope oblige the certification body to suspend the certificate (Order No. 20 Art. 10).',
  standard_contract:
    'A change of purpose, scope, category, sensitivity or recipient requires a new filing of the standard contract (SCC Measures Art. 11).',
  security_assessment:
    'Transfers beyond the approved scope require a new security assessment before they continue (2024 Provisions Art. 8; Security Assessment Measures Art. 14).',
};
