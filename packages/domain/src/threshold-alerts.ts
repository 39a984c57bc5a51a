import { alertLabels, CLASS_WORDS, formatCount, levelLabel, type AlertCandidate } from './alert-model.js';
import { classLabel, DATA_CLASSES, type DataClass } from './classes.js';
import { forecastCapReach } from './forecast.js';
import { ASSESSMENT_THRESHOLDS, ceilingReached, type ClassCounts } from './pathway.js';
import { DEFAULT_ALERTING } from './scope.js';
import { levelsCrossed, levelThreshold, severityForLevel } from './utilization.js';

/**
 * Early warnings where the law draws its lines (SPEC §5): a processor's counts over all its counted
 * transfers, and a group's total, approaching the security-assessment thresholds (1,000,000
 * non-sensitive, 10,000 sensitive). A certificate's cap cannot see what the same company sends
 * under standard contracts or counted exemptions; these rules do.
 */

/** A counting level above the certificate: one processor or one group. */
export type CountingEntity = { level: 'processor'; id: string } | { level: 'group'; id: string };

export interface EntityUsageInput {
  entity: CountingEntity;
  counts: ClassCounts;
  /** New individuals per China date this year (for the forecast). */
  dailyNew: ReadonlyArray<{ day: string; counts: ClassCounts }>;
  today: string;
  year: number;
}

function entityLabels(entity: CountingEntity): Record<string, string> {
  return entity.level === 'processor' ? { processor_id: entity.id } : { group_id: entity.id };
}

function entityName(entity: CountingEntity): string {
  return `${entity.level === 'processor' ? 'Processor' : 'Group'} ${entity.id}`;
}

function percent(level: number): string {
  return `${Math.round(level * 1000) / 10}%`;
}

/** PathwayThresholdApproaching per class and level reached (count ≥ level × threshold). */
export function pathwayThresholdAlerts(
  input: Pick<EntityUsageInput, 'entity' | 'counts' | 'year'>,
  levels: readonly number[] = DEFAULT_ALERTING.levels,
): AlertCandidate[] {
  const { entity, counts, year } = input;
  return DATA_CLASSES.flatMap((dataClass) => {
    const threshold = ASSESSMENT_THRESHOLDS[dataClass];
    return levelsCrossed(counts[dataClass], threshold, levels).map((level) => ({
      labels: alertLabels('PathwayThresholdApproaching', severityForLevel(level), {
        ...entityLabels(entity),
        class: classLabel(dataClass),
        level: levelLabel(level),
        year: String(year),
      }),
      summary: `${entity.id}: ${CLASS_WORDS[dataClass]} individuals reached ${percent(level)} of the security-assessment threshold`,
      description:
        `${entityName(entity)} sent ${CLASS_WORDS[dataClass]} PI of ${formatCount(counts[dataClass])} distinct individuals abroad in ${year}, ` +
        `at least ${formatCount(levelThreshold(level, threshold))} (${percent(level)} of ${formatCount(threshold)}), over all counted transfers whatever the mechanism. ` +
        `At ${formatCount(threshold)} a CAC security assessment is required and certification and the standard contract stop being a lawful pathway.`,
    }));
  });
}

/** Date each threshold is reached at the trailing rate, for the classes still below it. */
export function thresholdForecasts(input: EntityUsageInput): Array<{ dataClass: DataClass; date: string; days: number }> {
  return DATA_CLASSES.flatMap((dataClass) => {
    const count = input.counts[dataClass];
    if (count >= ASSESSMENT_THRESHOLDS[dataClass]) return [];
    const forecast = forecastCapReach({
      count,
      cap: ASSESSMENT_THRESHOLDS[dataClass],
      today: input.today,
      year: input.year,
      dailyNew: input.dailyNew.map(({ day, counts }) => ({ day, individuals: counts[dataClass] })),
    });
    return forecast === null ? [] : [{ dataClass, date: forecast.date, days: forecast.days }];
  });
}

/** ForecastCapBreach without certificate_id: a threshold reached within the horizon this year. */
export function thresholdForecastAlerts(input: EntityUsageInput, horizonDays: number = DEFAULT_ALERTING.forecastHorizonDays): AlertCandidate[] {
  const { entity, year } = input;
  return thresholdForecasts(input)
    .filter((f) => f.days <= horizonDays)
    .map(({ dataClass, date }) => ({
      labels: alertLabels('ForecastCapBreach', 'warning', { ...entityLabels(entity), class: classLabel(dataClass), year: String(year) }),
      summary: `${entity.id}: ${CLASS_WORDS[dataClass]} individuals forecast to reach ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} on ${date}`,
      description:
        `At the trailing rate of new individuals (up to 14 days), ${entityName(entity)} reaches the security-assessment threshold of ` +
        `${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} ${CLASS_WORDS[dataClass]} individuals on ${date}, within ${horizonDays} days and before 31 December.`,
    }));
}

/** PathwayCeilingReached for a group total at or above a threshold (labels group_id, class, year). */
export function groupCeilingAlerts(groupId: string, counts: ClassCounts, year: number): AlertCandidate[] {
  return ceilingReached(counts).map((dataClass) => ({
    labels: alertLabels('PathwayCeilingReached', 'critical', { group_id: groupId, class: classLabel(dataClass), year: String(year) }),
    summary: `group ${groupId}: ${CLASS_WORDS[dataClass]} total reached ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])}: security assessment required`,
    description:
      `The processors of group ${groupId} together sent ${CLASS_WORDS[dataClass]} PI of ${formatCount(ASSESSMENT_THRESHOLDS[dataClass])} or more distinct individuals abroad in ${year} (each person once). ` +
      'Splitting volumes across entities does not avoid the security assessment (Order No. 20 Art. 5).',
  }));
}

/** Every processor- or group-level early warning that should be firing now (no forecast for a past year). */
export function entityThresholdAlerts(input: EntityUsageInput, options: { forecast?: boolean } = {}): AlertCandidate[] {
  return [
    ...pathwayThresholdAlerts(input),
    ...(options.forecast === false ? [] : thresholdForecastAlerts(input)),
    ...(input.entity.level === 'group' ? groupCeilingAlerts(input.entity.id, input.counts, input.year) : []),
  ];
}
