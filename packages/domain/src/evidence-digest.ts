import { createHash } from 'node:crypto';

/**
 * Digest over the first-seen records of one class of a certificate-year (SPEC §6 evidence pack).
 *
 * Input: one line per person, in ascending order of the pseudonym, each line
 *   <pseudonym as 64 lower-case hex characters> TAB <first-seen time as Unix milliseconds> LF
 * Digest: lower-case hex SHA-256 of all lines. No line for an empty class gives the SHA-256 of
 * nothing. An auditor can recompute it with any SQL client and `sha256sum`.
 */
export interface FirstSeenRecord {
  pseudonym: string;
  firstSeenMs: number;
}

export function firstSeenDigestLine(record: FirstSeenRecord): string {
  return `${record.pseudonym.toLowerCase()}\t${record.firstSeenMs}\n`;
}

export function firstSeenDigest(records: Iterable<FirstSeenRecord>): string {
  const lines = [...records].map(firstSeenDigestLine).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}
