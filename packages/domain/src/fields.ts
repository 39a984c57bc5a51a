import { z } from 'zod';

/** Shared field schemas of the event contract (SPEC §3) and the declared scope (SPEC §4). */

export const MAX_ID_LENGTH = 128;
export const MAX_LONG_ID_LENGTH = 256;

const TRIMMED_RE = /^\S(?:[\s\S]*\S)?$/;

/** Non-empty string without leading/trailing whitespace, so 'a ' and 'a' cannot both exist. */
export function identifier(max: number = MAX_ID_LENGTH) {
  return z.string().min(1, { abort: true }).max(max).regex(TRIMMED_RE, 'must not be blank or start/end with whitespace');
}

export const COUNTRY_RE = /^[A-Z]{2}$/;
/** ISO 3166-1 alpha-2, upper case. */
export const countryCodeSchema = z.string().regex(COUNTRY_RE, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE');

/** Overseas recipient and its destination country. */
export const recipientSchema = z.strictObject({
  id: identifier(MAX_LONG_ID_LENGTH),
  country: countryCodeSchema,
});
export type Recipient = z.infer<typeof recipientSchema>;

/** Category code as sent by producers; any code is accepted here (unknown ones count as sensitive). */
export const categoryCodeSchema = identifier(MAX_ID_LENGTH);
export const purposeSchema = identifier(MAX_LONG_ID_LENGTH);

/** At most this many category codes per transfer or subject. */
export const MAX_CATEGORIES = 100;
