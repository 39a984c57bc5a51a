import { createHmac } from 'node:crypto';

/**
 * Subject pseudonymisation (SPEC §3): raw ids are normalised, then replaced at once by
 * HMAC-SHA256 under the secret key `EGRESS_SUBJECT_KEY`. Producers compute `idHash` with the same
 * function, so both forms of one person meet on the same pseudonym.
 */

export const ID_HASH_RE = /^[0-9a-fA-F]{64}$/;

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;
/** '+' followed by digits and the usual phone separators: spaces, '-', '.', '(', ')', '/'. */
const PLUS_PHONE_RE = /^\+[\d\s\-.()/]*\d[\d\s\-.()/]*$/;

/**
 * Normal form of a raw subject id: trimmed; an e-mail address lower-cased; a '+'-prefixed phone
 * number reduced to '+' and its digits (E.164, e.g. '+86 138-0013-8000' → '+8613800138000').
 * Anything else is only trimmed.
 */
export function normaliseSubjectId(raw: string): string {
  const id = raw.trim();
  if (EMAIL_RE.test(id)) return id.toLowerCase();
  if (PLUS_PHONE_RE.test(id)) return `+${id.replace(/\D/g, '')}`;
  return id;
}

function keyBytes(key: string | Buffer): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (bytes.length === 0) throw new Error('subject key (EGRESS_SUBJECT_KEY) must not be empty');
  return bytes;
}

/** Lower-case hex HMAC-SHA256 of the normalised id (UTF-8) under `key` (a string is taken as UTF-8). */
export function pseudonymise(rawId: string, key: string | Buffer): string {
  return createHmac('sha256', keyBytes(key)).update(normaliseSubjectId(rawId), 'utf8').digest('hex');
}

/** Pseudonym of an event subject: `idHash` lower-cased as given, else `pseudonymise(id)`. */
export function subjectHash(subject: { id?: string | undefined; idHash?: string | undefined }, key: string | Buffer): string {
  if (subject.idHash !== undefined) {
    if (!ID_HASH_RE.test(subject.idHash)) throw new Error('subject idHash must be 64 hex characters');
    return subject.idHash.toLowerCase();
  }
  if (subject.id !== undefined) return pseudonymise(subject.id, key);
  throw new Error('subject must have id or idHash');
}
