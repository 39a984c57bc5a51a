import type { DataClass } from './classes.js';
import { DATA_CLASSES } from './classes.js';

/**
 * Pathway bands (SPEC §2). The authoritative Chinese text uses 以上 ("N or more", includes the
 * number) for the upper bands and 不满 ("fewer than", excludes it) for the lower ones.
 */
export type Pathway = 'security_assessment' | 'standard_contract_or_certification' | 'exempt';

/** Pathway ranking from least to most demanding, e.g. for "at least" comparisons. */
export const PATHWAYS: readonly Pathway[] = Object.freeze(['exempt', 'standard_contract_or_certification', 'security_assessment'] as const);

export interface ClassCounts {
  nonSensitive: number;
  sensitive: number;
}

/** Security assessment required at 1,000,000 non-sensitive 以上 or 10,000 sensitive 以上. */
export const ASSESSMENT_THRESHOLDS = Object.freeze({ nonSensitive: 1_000_000, sensitive: 10_000 } as const);

/** Standard contract or certification required at 100,000 non-sensitive 以上 or 1 sensitive 以上
 * (i.e. exempt only while non-sensitive is 不满 100,000 and there is no sensitive PI). */
export const CONTRACT_THRESHOLDS = Object.freeze({ nonSensitive: 100_000, sensitive: 1 } as const);

/** Highest counts still permitted under a certificate: one below the assessment thresholds. */
export const CEILINGS = Object.freeze({ nonSensitive: 999_999, sensitive: 9_999 } as const);

export interface PathwayFlags {
  /** Critical information infrastructure operator: always security assessment (PIPL Art. 40). */
  ciiOperator?: boolean;
  /** Any important data: always security assessment; never under certification. */
  importantData?: boolean;
}

function reaches(counts: ClassCounts, thresholds: Readonly<ClassCounts>): boolean {
  return counts.nonSensitive >= thresholds.nonSensitive || counts.sensitive >= thresholds.sensitive;
}

/** Pathway these yearly counts (per processor) require. */
export function pathwayFor(counts: ClassCounts, flags: PathwayFlags = {}): Pathway {
  if (flags.ciiOperator || flags.importantData || reaches(counts, ASSESSMENT_THRESHOLDS)) return 'security_assessment';
  if (reaches(counts, CONTRACT_THRESHOLDS)) return 'standard_contract_or_certification';
  return 'exempt';
}

/** Classes whose count is at or above the security-assessment threshold (以上), i.e. beyond the
 * certificate ceiling: any entry means certification is no longer a lawful pathway. */
export function ceilingReached(counts: ClassCounts): DataClass[] {
  return DATA_CLASSES.filter((c) => counts[c] >= ASSESSMENT_THRESHOLDS[c]);
}
