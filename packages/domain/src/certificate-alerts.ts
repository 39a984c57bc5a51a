import { alertLabels, CLASS_WORDS, instrumentScopeLabels, formatCount, levelLabel, type AlertCandidate } from './alert-model.js';
import { classLabel, DATA_CLASSES, type DataClass } from './classes.js';
import { forecastCapReach, type CapForecast } from './forecast.js';
import { hasActiveSuccessor, isExpired, renewalAlertSeverity } from './lifecycle.js';
import type { ClassCounts } from './pathway.js';
import { instrumentCaps, instrumentKind, instrumentName, isCertificate, OUT_OF_SCOPE_CONSEQUENCE, type Instrument } from './instrument.js';
import { renewalDueDate, type Certificate } from './scope.js';
import { capExceeded, levelsCrossed, levelThreshold, severityForLevel, utilizationRatio } from './utilization.js';

/** Rules of SPEC §5 judged per certificate: utilisation levels, cap, forecast, renewal, expiry. */

export interface CertificateUsageInput {
  /** A certificate, or an instrument of another kind (judged against its caps the same way). */
  certificate: Instrument;
  /** Distinct individuals this year under the certificate. */
  counts: ClassCounts;
  /** New individuals per China date this year (for the trailing-rate forecast). */
  dailyNew: ReadonlyArray<{ day: string; counts: ClassCounts }>;
  /** China date of the evaluation and its counting year. */
  today: string;
  year: number;
  /** The certificate named in `supersededBy`, when declared. */
  successor?: Certificate | undefined;
}

/** Where one class of a certificate stands: what the metrics show and the alerts judge. */
export interface ClassStanding {
  dataClass: DataClass;
  count: number;
  cap: number;
  utilization: number;
  /** Cap reached at the trailing rate; null when not by 31 December and validTo. */
  forecast: CapForecast | null;
}

/** Each class against its cap; none when the instrument has no caps (an assessment declaring none). */
export function classStandings(input: CertificateUsageInput): ClassStanding[] {
  const caps = instrumentCaps(input.certificate);
  if (caps === null) return [];
  return DATA_CLASSES.map((dataClass) => {
    const count = input.counts[dataClass];
    const cap = caps[dataClass];
    const forecast = forecastCapReach({
      count,
      cap,
      today: input.today,
      year: input.year,
      since: input.certificate.validFrom,
      until: input.certificate.validTo ?? `${input.year}-12-31`,
      dailyNew: input.dailyNew.map(({ day, counts }) => ({ day, individuals: counts[dataClass] })),
    });
    return { dataClass, count, cap, utilization: utilizationRatio(count, cap), forecast };
  });
}

function percent(level: number): string {
  return `${Math.round(level * 1000) / 10}%`;
}

/** ScopeUtilization per level crossed, ScopeCapExceeded, ForecastCapBreach for one class. */
export function classUsageAlerts(certificate: Instrument, standing: ClassStanding): AlertCandidate[] {
  const { certificateId, processorId, alerting } = certificate;
  const { dataClass, count, cap, forecast } = standing;
  const scope = { processor_id: processorId, ...instrumentScopeLabels(certificateId, certificate.kind), class: classLabel(dataClass) };
  const words = CLASS_WORDS[dataClass];
  const name = instrumentName(certificate);
  const consequence = OUT_OF_SCOPE_CONSEQUENCE[instrumentKind(certificate)];
  const alerts: AlertCandidate[] = levelsCrossed(count, cap, alerting.levels).map((level) => ({
    labels: alertLabels('ScopeUtilization', severityForLevel(level), { ...scope, level: levelLabel(level) }),
    summary: `${certificateId}: ${words} individuals reached ${percent(level)} of the declared cap`,
    description:
      `${name} (processor ${processorId}) reached the ${percent(level)} level ` +
      `(${formatCount(levelThreshold(level, cap))}) of its declared ${words} cap of ${formatCount(cap)} distinct individuals this year. ${consequence}`,
  }));
  if (capExceeded(count, cap)) {
    alerts.push({
      labels: alertLabels('ScopeCapExceeded', 'critical', scope),
      summary: `${certificateId}: ${words} individuals exceed the declared cap`,
      description: `${name} (processor ${processorId}) sent ${words} PI of more distinct individuals this year than its declared cap of ${formatCount(cap)}. ${consequence}`,
    });
  } else if (cap > 0 && forecast !== null && forecast.days <= alerting.forecastHorizonDays) {
    alerts.push({
      labels: alertLabels('ForecastCapBreach', 'warning', scope),
      summary: `${certificateId}: ${words} cap forecast to be reached on ${forecast.date}`,
      description:
        `At the trailing rate of new individuals (up to 14 days), ${name} (processor ${processorId}) reaches its ` +
        `declared ${words} cap of ${formatCount(cap)} on ${forecast.date}, within ${alerting.forecastHorizonDays} days, before 31 December and within its validity.`,
    });
  }
  return alerts;
}

/**
 * CertificateRenewalDue (warning, then critical) and CertificateExpired on China date `today`;
 * an expired certificate whose declared successor is active is quiet.
 */
export function lifecycleAlerts(certificate: Certificate, today: string, successor?: Certificate): AlertCandidate[] {
  const { certificateId, processorId, validTo } = certificate;
  const scope = { processor_id: processorId, ...instrumentScopeLabels(certificateId, 'certification') };
  if (isExpired(certificate, today)) {
    if (hasActiveSuccessor(certificate, successor, today)) return [];
    return [
      {
        labels: alertLabels('CertificateExpired', 'critical', scope),
        summary: `${certificateId}: certificate expired on ${validTo}`,
        description: `Certificate ${certificateId} (processor ${processorId}) was valid until ${validTo}; transfers under it are no longer certified.`,
      },
    ];
  }
  const severity = renewalAlertSeverity(certificate, today);
  if (severity === null) return [];
  const due = renewalDueDate(certificate);
  return [
    {
      labels: alertLabels('CertificateRenewalDue', severity, scope),
      summary: `${certificateId}: renewal application ${severity === 'critical' ? 'overdue since' : 'due by'} ${due}`,
      description: `Certificate ${certificateId} (processor ${processorId}) expires on ${validTo}; a renewal application is due 6 months before expiry, by ${due}, and none is recorded.`,
    },
  ];
}

/** Every certificate-level alert that should be firing now. */
export function certificateAlerts(input: CertificateUsageInput): AlertCandidate[] {
  return [
    ...classStandings(input).flatMap((standing) => classUsageAlerts(input.certificate, standing)),
    ...(isCertificate(input.certificate) ? lifecycleAlerts(input.certificate, input.today, input.successor) : []),
  ];
}
