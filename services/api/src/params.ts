import { identifier } from '@pi-egress/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** C0 and C1 control characters (NUL included) and UTF-16 surrogates without their pair (not encodable as UTF-8). */
// Without the `u` flag the pattern sees UTF-16 code units, so a high surrogate not followed by a
// low one (or a low one not preceded by a high one) is found.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ODD_CHARACTER = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ODD_TEXT_MESSAGE = 'must not contain control characters (e.g. NUL) or unpaired UTF-16 surrogates';

export function hasOddCharacters(text: string): boolean {
  return ODD_CHARACTER.test(text);
}

/** The text with each odd character written as a \uXXXX escape: for records that must keep what was asked (the audit log). */
export function escapeOddCharacters(text: string): string {
  return text.replace(new RegExp(ODD_CHARACTER.source, 'g'), (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An identifier from a path or a body: refused, never rewritten, if it holds characters that cannot be stored or labelled. */
export const cleanIdentifier = (max?: number) => identifier(max).refine((text) => !hasOddCharacters(text), ODD_TEXT_MESSAGE);

export const idParams = z.strictObject({ id: cleanIdentifier() });

/** A query parameter year: exactly four decimal digits (not `0x7EA`, not `2026.0`, not a list). */
export const yearParam = z
  .string()
  .regex(/^\d{4}$/, 'must be a year of four decimal digits')
  .transform(Number)
  .pipe(z.int().min(2000).max(2200))
  .describe('Calendar year in China time; default the current one');

export const yearQuery = z.strictObject({ year: yearParam.optional() });

/** The first string (key or value) in a JSON body that holds odd characters, as a field path. */
function oddFieldOf(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return hasOddCharacters(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (hasOddCharacters(key)) return field;
    const odd = oddFieldOf(item, field);
    if (odd !== undefined) return odd;
  }
  return undefined;
}

/**
 * preValidation hook of the admin and auditor routes with a JSON body: a body string with control
 * characters or lone surrogates is refused with 400 naming the field, before anything is stored,
 * answered or audited.
 */
export async function refuseOddText(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const field = oddFieldOf(request.body, '');
  if (field !== undefined)
    throw new ApiError(400, 'invalid_request', `${field || '(root)'}: ${ODD_TEXT_MESSAGE}`, [`${field || '(root)'}: ${ODD_TEXT_MESSAGE}`]);
}
