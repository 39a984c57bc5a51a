import { z } from 'zod';
import type { DataClass } from './classes.js';
import { sortClasses } from './classes.js';
import { formatIssues, joinReasons, safeErrorMap } from './issues.js';

/**
 * Category catalogue: PI category code → sensitive or not. The producer does not decide
 * sensitivity; the catalogue does (SPEC §2). Sensitive PI per PIPL Art. 28; GB/T 35273-2020
 * Annex B also treats identity-document numbers, credentials and some records as sensitive.
 */
export interface CategoryInfo {
  code: string;
  sensitive: boolean;
  description: string;
}

const ns = (code: string, description: string): CategoryInfo => ({ code, sensitive: false, description });
const s = (code: string, description: string): CategoryInfo => ({ code, sensitive: true, description });

export const DEFAULT_CATEGORIES: readonly CategoryInfo[] = Object.freeze([
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
  ns('order_history', 'Purchase or order history'),
  ns('preferences', 'Language and service preferences'),
  // Sensitive PI, PIPL Art. 28.
  s('biometric', 'Biometric data: face, fingerprint, voiceprint, iris, gene (PIPL Art. 28)'),
  s('religious_belief', 'Religious belief (PIPL Art. 28)'),
  s('specific_identity', 'Specific identity, e.g. disability, political affiliation (PIPL Art. 28)'),
  s('health', 'Medical and health information (PIPL Art. 28)'),
  s('medical_health', 'Medical and health information (PIPL Art. 28; alias of health)'),
  s('financial_account', 'Financial accounts: bank card, payment or securities account (PIPL Art. 28)'),
  s('location_tracking', 'Whereabouts and tracking, precise location (PIPL Art. 28)'),
  s('whereabouts', 'Whereabouts and tracking (PIPL Art. 28; alias of location_tracking)'),
  s('minor_under_14', 'Any PI of a minor under 14 (PIPL Art. 28, Art. 31)'),
  // Sensitive per GB/T 35273-2020 Annex B.
  s('id_document_number', 'Identity document number: resident ID card, passport, permit (GB/T 35273)'),
  s('authentication_credential', 'Passwords, PINs, security answers, keys (GB/T 35273)'),
  s('credit_information', 'Credit records and scores (GB/T 35273)'),
  s('transaction_record', 'Payment and transaction records, deposits, property (GB/T 35273)'),
  s('communication_content', 'Communication records and content, contact lists (GB/T 35273)'),
  s('criminal_record', 'Undisclosed criminal records (GB/T 35273)'),
  s('sexual_orientation', 'Sexual orientation (GB/T 35273)'),
].map((c) => Object.freeze(c)));

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

  /** Default catalogue; `extra` entries add codes or override default ones (last one wins). */
  constructor(extra: readonly CategoryInfo[] = []) {
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
