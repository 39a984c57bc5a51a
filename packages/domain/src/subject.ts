import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { createHmac } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * Subject pseudonymisation (SPEC §3): raw ids are normalised, then replaced at once by
 * HMAC-SHA256 under the secret key `EGRESS_SUBJECT_KEY`. Producers compute `idHash` with the same
 * function, so both forms of one person meet on the same pseudonym.
 */

export const ID_HASH_RE = /^[0-9a-fA-F]{64}$/;

/**
 * Version of the normal form below. The normal form is part of the pseudonym: changing it within a
 * counting year would count the same person twice. v1: trim, e-mail lower-cased, '+' phone digits.
 * v2: Unicode NFKC, zero-width characters removed, e-mail domain in ASCII (IDNA), phone numbers
 * in E.164 from '+', '00' or national numbers of the default region.
 */
export const SUBJECT_NORMAL_FORM_VERSION = 2;

/** Region of national phone numbers (no '+' or '00' prefix) unless configured. */
export const DEFAULT_PHONE_REGION: CountryCode = 'CN';

/** A region national phone numbers are read in; throws naming the setting when libphonenumber does not know it. */
export function phoneRegion(code: string): CountryCode {
  if (!isSupportedCountry(code))
    throw new Error(`EGRESS_PHONE_REGION: ${JSON.stringify(code)} is not a region with phone numbering data (ISO 3166-1 alpha-2, e.g. CN)`);
  return code;
}

export interface NormaliseOptions {
  /** ISO 3166-1 alpha-2 region national phone numbers are read in (default CN). */
  phoneRegion?: CountryCode | undefined;
}

const EMAIL_RE = /^([^\s@]+)@([^\s@]+)$/;
/** Digits and the usual phone separators (spaces, '-', '.', '(', ')', '/'), optionally after '+'. */
const PHONE_LIKE_RE = /^\+?[\d\s\-.()/]*\d[\d\s\-.()/]*$/;
const PLAIN_ASCII_RE = /^[\x21-\x7e]*$/;
/** Zero-width and invisible formatting characters producers' systems leave in ids. */
const INVISIBLE_RE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;

function normalisePhone(id: string, region: CountryCode): string | undefined {
  if (!PHONE_LIKE_RE.test(id)) return undefined;
  // '00' is the international prefix recommended by the ITU (and China's): '0086…' is '+86…'.
  const parsed = parsePhoneNumberFromString(id.replace(/^00/, '+'), region);
  if (parsed?.isValid()) return parsed.number;
  // A '+' number libphonenumber does not know stays '+' and its digits (the v1 form).
  return id.startsWith('+') ? `+${id.replace(/\D/g, '')}` : undefined;
}

/** ASCII form of each domain seen lately: a batch's addresses share few domains, and IDNA is not cheap. */
const asciiDomains = new Map<string, string>();
const ASCII_DOMAINS_KEPT = 10_000;

function asciiDomain(lower: string): string {
  let ascii = asciiDomains.get(lower);
  if (ascii === undefined) {
    ascii = domainToASCII(lower) || lower;
    if (asciiDomains.size >= ASCII_DOMAINS_KEPT) asciiDomains.clear();
    asciiDomains.set(lower, ascii);
  }
  return ascii;
}

function normaliseEmail(local: string, domain: string): string {
  return `${local.toLowerCase()}@${asciiDomain(domain.toLowerCase())}`;
}

/**
 * Normal form of a raw subject id, so that one person is one pseudonym however a system wrote
 * the id: Unicode NFKC (fullwidth '＋', '＠' and letters become ASCII, accents composed),
 * zero-width characters removed, trimmed; then an e-mail address lower-cased with its domain in
 * ASCII (IDNA: 'bücher.example' → 'xn--bcher-kva.example'); a phone number ('+', '00' or a valid
 * national number of `phoneRegion`, CN by default) in E.164 ('0086 139 0013 8000' →
 * '+8613900138000'). Anything else is only trimmed. Lone UTF-16 surrogates are left as they are.
 */
export function normaliseSubjectId(raw: string, options: NormaliseOptions = {}): string {
  // Printable ASCII without spaces is its own NFKC form, holds nothing invisible and nothing to trim.
  const id = PLAIN_ASCII_RE.test(raw) ? raw : raw.normalize('NFKC').replace(INVISIBLE_RE, '').trim();
  const email = EMAIL_RE.exec(id);
  if (email) return normaliseEmail(email[1]!, email[2]!);
  return normalisePhone(id, options.phoneRegion ?? DEFAULT_PHONE_REGION) ?? id;
}

function keyBytes(key: string | Buffer): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (bytes.length === 0) throw new Error('subject key (EGRESS_SUBJECT_KEY) must not be empty');
  return bytes;
}

/** Lower-case hex HMAC-SHA256 of the normalised id (UTF-8) under `key` (a string is taken as UTF-8). */
export function pseudonymise(rawId: string, key: string | Buffer, options: NormaliseOptions = {}): string {
  return createHmac('sha256', keyBytes(key)).update(normaliseSubjectId(rawId, options), 'utf8').digest('hex');
}

/** Pseudonym of an event subject: `idHash` lower-cased as given, else `pseudonymise(id)`. */
export function subjectHash(
  subject: { id?: string | undefined; idHash?: string | undefined },
  key: string | Buffer,
  options: NormaliseOptions = {},
): string {
  if (subject.idHash !== undefined) {
    if (!ID_HASH_RE.test(subject.idHash)) throw new Error('subject idHash must be 64 hex characters');
    return subject.idHash.toLowerCase();
  }
  if (subject.id !== undefined) return pseudonymise(subject.id, key, options);
  throw new Error('subject must have id or idHash');
}
