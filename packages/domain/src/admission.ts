import type { ClassCounts } from './pathway.js';
import { ASSESSMENT_THRESHOLDS } from './pathway.js';
import { DATA_CLASSES, classLabel, type DataClass } from './classes.js';
import type { Mechanism } from './event.js';
import type { InstrumentGap } from './instrument-alerts.js';
import type { OutOfScopeReason } from './outOfScope.js';
import { capExceeded } from './utilization.js';

/**
 * Pre-transfer admission (SPEC §6 `POST /v1/admission`): would a proposed transfer stay inside the
 * certificate's scope, its declared caps and the pathway ceilings? Admission only reads: it does
 * not reserve room, so two transfers that each fit may together pass a cap (the evaluator then
 * alerts on the real counts).
 */
export type AdmissionReason =
  | OutOfScopeReason
  | 'cii_operator'
  /** Under a standard contract or an assessment: it cites no valid instrument of that kind (NoValidInstrument). */
  | 'no_valid_instrument'
  | `cap_exceeded_${'non_sensitive' | 'sensitive'}`
  | `ceiling_reached_${'non_sensitive' | 'sensitive'}`
  | `group_ceiling_reached_${'non_sensitive' | 'sensitive'}`;

/** One counting level the transfer would count toward, with its counts now and the individuals it adds. */
export interface AdmissionScope {
  level: 'processor' | 'certificate' | 'group';
  counts: ClassCounts;
  added: ClassCounts;
  /** Declared caps (certificate level only). */
  caps?: ClassCounts;
}

export interface AdmissionFacts {
  mechanism: Mechanism;
  outOfScopeReasons: readonly OutOfScopeReason[];
  ciiOperator: boolean;
  importantData: boolean;
  /** Why the transfer rests on no valid instrument of its mechanism (instrumentGap), or null/absent. */
  instrumentGap?: InstrumentGap | null;
  /** A recipient in mainland China: not an outbound transfer, nothing to refuse. */
  domestic?: boolean;
  /** The levels the transfer counts toward (none when it is not counted, e.g. exempt). */
  scopes: readonly AdmissionScope[];
}

export interface AdmissionDecision {
  allowed: boolean;
  reasons: AdmissionReason[];
}

/** Mechanisms a CII operator may not use (PIPL Art. 40): only a security assessment is lawful for it. */
export const CII_FORBIDDEN_MECHANISMS: readonly Mechanism[] = Object.freeze(['certification', 'standard_contract'] as const);

/**
 * Refusals that follow from the mechanism alone, whatever the volumes: important data under any
 * mechanism but a security assessment, and a CII operator under certification or a standard
 * contract (PIPL Art. 40; 2024 Provisions Art. 7).
 */
export function mechanismReasons(
  facts: Pick<AdmissionFacts, 'mechanism' | 'ciiOperator' | 'importantData'>,
): Array<'important_data' | 'cii_operator'> {
  const reasons: Array<'important_data' | 'cii_operator'> = [];
  if (facts.importantData && facts.mechanism !== 'security_assessment') reasons.push('important_data');
  if (facts.ciiOperator && CII_FORBIDDEN_MECHANISMS.includes(facts.mechanism)) reasons.push('cii_operator');
  return reasons;
}

const after = (scope: AdmissionScope, c: DataClass) => scope.counts[c] + scope.added[c];

/**
 * The decision. A cap is passed when the count after the transfer is above it (reaching it
 * exactly is still within scope); a ceiling is reached at 1,000,000 / 10,000 (以上), from which
 * a security assessment is required. Both hold even when the transfer adds nobody: the scope is
 * already broken. A security-assessment transfer is not bound by caps or ceilings.
 */
export function admissionDecision(facts: AdmissionFacts): AdmissionDecision {
  if (facts.domestic) return { allowed: true, reasons: [] };
  const reasons: AdmissionReason[] = [...facts.outOfScopeReasons];
  for (const reason of mechanismReasons(facts)) if (!reasons.includes(reason)) reasons.push(reason);
  if (facts.instrumentGap) reasons.push('no_valid_instrument');
  if (facts.mechanism !== 'security_assessment') {
    for (const scope of facts.scopes) {
      for (const c of DATA_CLASSES) {
        const label = classLabel(c);
        if (scope.level === 'certificate' && scope.caps && capExceeded(after(scope, c), scope.caps[c])) reasons.push(`cap_exceeded_${label}`);
        if (scope.level !== 'certificate' && after(scope, c) >= ASSESSMENT_THRESHOLDS[c]) {
          reasons.push(scope.level === 'group' ? `group_ceiling_reached_${label}` : `ceiling_reached_${label}`);
        }
      }
    }
  }
  return { allowed: reasons.length === 0, reasons };
}
