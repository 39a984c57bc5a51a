import { z } from 'zod';
import type { DataClass } from './classes.js';
import { sortClasses } from './classes.js';
import { formatIssues, joinReasons, safeErrorMap } from './issues.js';

/**
 * Category catalogue: PI category code → sensitive or not. The producer does not decide
 * sensitivity; the catalogue does (SPEC §2). Sensitive PI per PIPL Art. 28 and per the national
 * standard GB/T 35273-2020 Annex B (Table B.2, examples of sensitive PI). The sensitive codes of
 * the default catalogue are statutory: configuration may add codes and mark more codes sensitive,
 * never make one of them non-sensitive.
 */
export interface CategoryInfo {
  code: string;
  sensitive: boolean;
  description: string;
}

const ns = (code: string, description: string): CategoryInfo => ({ code, sensitive: false, description });
const s = (code: string, description: string): CategoryInfo => ({ code, sensitive: true, description });

export const DEFAULT_CATEGORIES: readonly CategoryInfo[] = Object.freeze(
  [
    // General (non-sensitive) PI.
    ns('name', 'Name'),
    ns('gender', 'Gender'),
    ns('birth_date', 'Date of birth (of an adult)'),
    ns('nationality', 'Nationality'),
    ns('contact_phone', 'Telephone number'),
    ns('email', 'E-mail address'),
    ns('address', 'Postal or residential address'),
    ns('employee_id', 'Employee or staff number'),
    ns('job_title', 'Job title, department, employer'),
    ns('education', 'Education and qualifications'),
    ns('account_id', 'Online account or user identifier (not the credentials)'),
    ns('device_id', 'Device identifier (IMEI, advertising ID, ...)'),
    ns('ip_address', 'IP address'),
    ns('coarse_location', 'City- or region-level location (not precise location)'),
    ns('preferences', 'Language and service preferences'),
    // Sensitive PI, PIPL Art. 28.
    s('biometric', 'Biometric data: face, fingerprint, voiceprint, palm print, auricle, iris, gene (PIPL Art. 28; GB/T 35273 B.2)'),
    s('religious_belief', 'Religious belief (PIPL Art. 28)'),
    s('specific_identity', 'Specific identity, e.g. disability, political affiliation (PIPL Art. 28)'),
    s('health', 'Medical and health information (PIPL Art. 28)'),
    s('medical_health', 'Medical and health information (PIPL Art. 28; alias of health)'),
    s('financial_account', 'Financial accounts: bank card, payment or securities account (PIPL Art. 28)'),
    s('location_tracking', 'Whereabouts and tracking, precise location (PIPL Art. 28)'),
    s('whereabouts', 'Whereabouts and tracking (PIPL Art. 28; alias of location_tracking)'),
    s('minor_under_14', 'Any PI of a minor under 14 (PIPL Art. 28, Art. 31)'),
    // Sensitive per GB/T 35273-2020 Annex B (Table B.2).
    // 个人身份信息: identity card, officer card, passport, driving licence, work permit, social security card, residence permit.
    s('id_document_number', 'Identity document number: resident ID card, passport, driving licence, social security card, permit (GB/T 35273 B.2)'),
    // 网络身份标识信息 — 鉴别信息.
    s('authentication_credential', 'Passwords, PINs, security answers, personal digital certificates (GB/T 35273 B.2)'),
    // 个人财产信息.
    s('credit_information', 'Credit records and credit reference information (GB/T 35273 B.2)'),
    s('transaction_record', 'Transaction and consumption records, payment records (GB/T 35273 B.2)'),
    s('order_history', 'Purchase or order history: transaction and consumption records (GB/T 35273 B.2)'),
    s('deposit_information', 'Deposits: amounts, payment and receipt records (GB/T 35273 B.2)'),
    s('bank_statement', 'Account statements and flow records (GB/T 35273 B.2)'),
    s('property_information', 'Real-estate and other property information (GB/T 35273 B.2)'),
    s('virtual_property', 'Virtual currency, virtual transactions, game redemption codes (GB/T 35273 B.2)'),
    // 个人健康生理信息.
    s('medical_record', 'Medical records: diagnoses, prescriptions, test reports, medication, allergies, medical history (GB/T 35273 B.2)'),
    s('reproductive_information', 'Fertility and reproductive information (GB/T 35273 B.2)'),
    // 其他信息.
    s('sexual_orientation', 'Sexual orientation (GB/T 35273 B.2)'),
    s('marital_history', 'Marital history (GB/T 35273 B.2)'),
    s('criminal_record', 'Undisclosed criminal records (GB/T 35273 B.2)'),
    s('communication_content', 'Communication records and content (GB/T 35273 B.2)'),
    s('contact_list', 'Address book, friend list, group list (GB/T 35273 B.2)'),
    s('browsing_history', 'Web browsing records (GB/T 35273 B.2)'),
    s('accommodation_record', 'Accommodation (hotel stay) records (GB/T 35273 B.2)'),
    s('precise_location', 'Precise location (GB/T 35273 B.2)'),
  ].map((c) => Object.freeze(c)),
);

/** Codes the law makes sensitive: configuration can never mark them non-sensitive. */
export const STATUTORY_SENSITIVE_CODES: ReadonlySet<string> = new Set(DEFAULT_CATEGORIES.filter((c) => c.sensitive).map((c) => c.code));

/** Codes are snake_case identifiers so they are safe as metric label values. */
export const CATEGORY_CODE_RE = /^[a-z][a-z0-9_]{0,63}$/;

export const categoryInfoSchema = z.strictObject({
  code: z.string().regex(CATEGORY_CODE_RE, 'must be a snake_case code of at most 64 characters'),
  sensitive: z.boolean(),
  description: z.string().max(512).optional(),
});

const catalogueJsonSchema = z.array(categoryInfoSchema).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `duplicate code ${e.code}` });
    seen.add(e.code);
  });
});

export interface Classification {
  classes: DataClass[];
  unknown: string[];
}

export class CategoryCatalogue {
  readonly #entries = new Map<string, CategoryInfo>();

  /**
   * Default catalogue; `extra` entries add codes or override default ones (last one wins). Throws
   * one line naming every statutory sensitive code an entry would make non-sensitive.
   */
  constructor(extra: readonly CategoryInfo[] = []) {
    const downgraded = [...new Set(extra.filter((c) => !c.sensitive && STATUTORY_SENSITIVE_CODES.has(c.code)).map((c) => c.code))];
    if (downgraded.length > 0) {
      throw new Error(
        `category catalogue: ${downgraded.join(', ')} ${downgraded.length > 1 ? 'are' : 'is'} sensitive by law (PIPL Art. 28, GB/T 35273-2020 Annex B) and cannot be made non-sensitive`,
      );
    }
    for (const c of [...DEFAULT_CATEGORIES, ...extra]) {
      this.#entries.set(c.code, Object.freeze({ code: c.code, sensitive: c.sensitive, description: c.description }));
    }
  }

  /**
   * Catalogue from configuration: a JSON array of `{code, sensitive, description?}` merged over the
   * defaults. Throws an Error naming the offending entry when malformed.
   */
  static fromJson(json: string): CategoryCatalogue {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new Error(`category catalogue: not valid JSON (${(err as Error).message})`);
    }
    const result = catalogueJsonSchema.safeParse(parsed, { error: safeErrorMap });
    if (!result.success) {
      throw new Error(`category catalogue: ${joinReasons(formatIssues(result.error.issues, 'categories'), 10)}`);
    }
    return new CategoryCatalogue(result.data.map((e) => ({ code: e.code, sensitive: e.sensitive, description: e.description ?? e.code })));
  }

  lookup(code: string): CategoryInfo | undefined {
    return this.#entries.get(code);
  }

  /** True when the code is sensitive, or unknown (conservative side, SPEC §2). */
  isSensitive(code: string): boolean {
    return this.#entries.get(code)?.sensitive ?? true;
  }

  /**
   * Classes carried by a set of category codes. An unknown code counts as sensitive (the
   * conservative side) and is reported in `unknown` so an incident can be raised (SPEC §2).
   */
  classify(codes: readonly string[]): Classification {
    const classes = new Set<DataClass>();
    const unknown: string[] = [];
    for (const code of codes) {
      const info = this.#entries.get(code);
      if (!info) {
        classes.add('sensitive');
        if (!unknown.includes(code)) unknown.push(code);
      } else {
        classes.add(info.sensitive ? 'sensitive' : 'nonSensitive');
      }
    }
    return { classes: sortClasses(classes), unknown };
  }

  /** All entries sorted by code. */
  list(): CategoryInfo[] {
    return [...this.#entries.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }
}
