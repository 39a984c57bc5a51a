import type { ZodType } from 'zod';
import { errorSchema } from './errors.js';

const WHEN: Record<number, string> = {
  400: 'Invalid request: `details` names each field and what is wrong',
  401: 'No valid bearer token',
  403: "The token's role may not use this route",
  404: 'Not found',
  413: 'Body larger than allowed (bytes or lines)',
  415: 'Content-type not accepted by this route',
  429: 'Rate limit of the token or client address exceeded',
  503: 'The store is unreachable, or (admin and auditor tokens) the audit entry could not be written: nothing was answered; retry',
};

/** Statuses every route behind a token can answer. */
const GUARDED = [400, 401, 403, 429, 503] as const;

/** Response schemas of a guarded route: its own answers plus the error shape for each error status it can give. */
export function responses(own: Record<number, ZodType>, ...extra: number[]): Record<number, ZodType> {
  const errors = Object.fromEntries([...GUARDED, ...extra].map((status) => [status, errorSchema.describe(WHEN[status]!)]));
  return { ...errors, ...own };
}
