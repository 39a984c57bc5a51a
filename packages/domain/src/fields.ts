import countries from 'i18n-iso-countries';
import { z } from 'zod';

/** Shared field schemas of the event contract (SPEC §3) and the declared scope (SPEC §4). */

export const MAX_ID_LENGTH = 128;
export const MAX_LONG_ID_LENGTH = 256;

const TRIMMED_RE = /^\S(?:[\s\S]*\S)?$/;

/**
 * C0 and C1 control characters (NUL included) and DEL. Tab, line feed and carriage return are
 * controls too: no identifier, purpose or category code has a reason to hold one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

export const TEXT_PROBLEMS = {
  loneSurrogate: 'must be valid Unicode text (it holds a lone UTF-16 surrogate, which has no UTF-8 form)',
  control: 'must not contain control characters (NUL, line breaks, tabs, …)',
} as const;

/**
 * Why a string cannot be stored as it is, or undefined. A lone surrogate (legal in JSON text, not
 * in UTF-8) would be replaced by U+FFFD somewhere downstream, so two different values would
 * become one: it is refused, never rewritten.
 */
export function textProblem(value: string, allowControls = false): string | undefined {
  if (!value.isWellFormed()) return TEXT_PROBLEMS.loneSurrogate;
  if (!allowControls && CONTROL_RE.test(value)) return TEXT_PROBLEMS.control;
  return undefined;
}

/** A string refined to be well-formed text (and free of control characters unless allowed). */
export function wellFormedText(schema: z.ZodString = z.string(), allowControls = false) {
  return schema.superRefine((value, ctx) => {
    const problem = textProblem(value, allowControls);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, params: { textProblem: true } });
  });
}

/** Non-empty string without leading/trailing whitespace, so 'a ' and 'a' cannot both exist. */
export function identifier(max: number = MAX_ID_LENGTH) {
  return wellFormedText(z.string().min(1, { abort: true }).max(max).regex(TRIMMED_RE, 'must not be blank or start/end with whitespace'));
}

export const COUNTRY_RE = /^[A-Z]{2}$/;
/** Mainland China: a recipient there is not abroad (SPEC §2). HK, MO and TW are abroad for these rules. */
export const MAINLAND_CHINA = 'CN';
/** Codes people write that ISO 3166-1 does not assign, with the code they mean. */
const COUNTRY_HINTS: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' };

/** ISO 3166-1 alpha-2, upper case, an assigned code (data: i18n-iso-countries). */
export const countryCodeSchema = z
  .string()
  .regex(COUNTRY_RE, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE')
  .superRefine((code, ctx) => {
    if (!COUNTRY_RE.test(code) || countries.isValid(code)) return;
    const hint = COUNTRY_HINTS[code];
    ctx.addIssue({
      code: 'custom',
      message: hint ? `${code} is not an ISO 3166-1 alpha-2 code: use ${hint}` : 'must be an assigned ISO 3166-1 alpha-2 code, e.g. DE',
    });
  });

/** A recipient and its destination country. */
export const recipientSchema = z.strictObject({
  id: identifier(MAX_LONG_ID_LENGTH),
  country: countryCodeSchema,
});
export type Recipient = z.infer<typeof recipientSchema>;

/** True for a recipient in mainland China: recorded as domestic, never counted, never out of scope. */
export function isDomesticRecipient(recipient: Pick<Recipient, 'country'>): boolean {
  return recipient.country === MAINLAND_CHINA;
}

/** A recipient a scope may declare: abroad, so never CN (HK, MO and TW are). */
export const overseasRecipientSchema = recipientSchema.refine((r) => !isDomesticRecipient(r), {
  path: ['country'],
  message: 'CN is mainland China: a recipient there is not an outbound transfer (HK, MO and TW count as abroad)',
});

/** Category code as sent by producers; any code is accepted here (unknown ones count as sensitive). */
export const categoryCodeSchema = identifier(MAX_ID_LENGTH);
export const purposeSchema = identifier(MAX_LONG_ID_LENGTH);

/** At most this many category codes per transfer or subject. */
export const MAX_CATEGORIES = 100;
