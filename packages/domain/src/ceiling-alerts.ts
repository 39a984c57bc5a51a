import { alertLabels, CLASS_WORDS, formatCount, type AlertCandidate } from './alert-model.js';
import { classLabel, type DataClass } from './classes.js';
import { ASSESSMENT_THRESHOLDS, ceilingReached, type ClassCounts } from './pathway.js';

/** Rules of SPEC §5 on the security-assessment thresholds: per processor and per group. */

/**
 * PathwayCeilingReached for each class at or above its threshold (N ≥ 1,000,000, S ≥ 10,000).
 * One alert per certificate of the processor, since each of them stops being a lawful pathway
 * (and on-call routing groups by certificate); one without certificate_id when it has none.
 */
export function pathwayCeilingAlerts(processorId: string, counts: ClassCounts, certificateIds: readonly string[]): AlertCandidate[] {
  const certificates = certificateIds.length > 0 ? certificateIds : [undefined];
  return ceilingReached(counts).flatMap((dataClass) =>
    certificates.map((certificateId) => ({
      labels: alertLabels('PathwayCeilingReached', 'critical', {
        processor_id: processorId,
        certificate_id: certificateId,
        class: classLabel(dataClass),
      }),
      summary: `${processorId}: ${CLASS_WORDS[dataClass]} individuals reached ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])}: security assessment required`,
      description:
        `Processor ${processorId} sent ${CLASS_WORDS[dataClass]} PI of ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} or more distinct individuals abroad this year. ` +
        'A CAC security assessment is now required; certification and the standard contract are no longer a lawful pathway.',
    })),
  );
}

/**
 * Classes in which a group's total (each person once across the group) reaches the assessment
 * threshold while every member on its own stays below it: the pattern Art. 5 forbids (splitting
 * volumes across entities to stay under the thresholds).
 */
export function splittingRiskClasses(group: ClassCounts, members: readonly ClassCounts[]): DataClass[] {
  return ceilingReached(group).filter((dataClass) => members.every((member) => member[dataClass] < ASSESSMENT_THRESHOLDS[dataClass]));
}

export function splittingRiskAlerts(
  groupId: string,
  group: ClassCounts,
  members: ReadonlyArray<{ processorId: string; counts: ClassCounts }>,
): AlertCandidate[] {
  const names = members.map((m) => m.processorId).join(', ');
  return splittingRiskClasses(
    group,
    members.map((m) => m.counts),
  ).map((dataClass) => ({
    labels: alertLabels('SplittingRisk', 'critical', { group_id: groupId, class: classLabel(dataClass) }),
    summary: `group ${groupId}: ${CLASS_WORDS[dataClass]} total reached ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} while each member is below it`,
    description:
      `The processors of group ${groupId} (${names}) together sent ${CLASS_WORDS[dataClass]} PI of ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} or more distinct individuals abroad this year, ` +
      `each of them below ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])}. Splitting volumes to stay under the security-assessment thresholds is forbidden (Order No. 20 Art. 5).`,
  }));
}
