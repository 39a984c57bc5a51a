import type { DataClass } from './classes.js';
import type { Severity } from './utilization.js';

/** Alert names of SPEC §5; fixed, since Alertmanager routes and outside checks match on them. */
export const ALERT_NAMES = Object.freeze([
  'ScopeUtilization',
  'ScopeCapExceeded',
  'PathwayCeilingReached',
  'ForecastCapBreach',
  'OutOfScopeTransfer',
  'ImportantDataTransfer',
  'UnknownCategory',
  'CertificateRenewalDue',
  'CertificateExpired',
  'SplittingRisk',
  'IngestStalled',
  'DeadLettersPresent',
  'PathwayThresholdApproaching',
  'CiiOperatorWithoutAssessment',
  'NoValidInstrument',
  'FilingDue',
  'AssessmentExtensionDue',
] as const);

export type AlertName = (typeof ALERT_NAMES)[number];

/**
 * Labels of an alert: identity for Alertmanager (same labels = same alert). `alertname` and
 * `severity` always; `processor_id`, `certificate_id`, `class` (non_sensitive | sensitive),
 * `level`, `reason`, `group_id`, `instrument_id`, `instrument_kind` where they apply, never empty
 * (an empty label means absent).
 */
export type AlertLabels = Readonly<Record<string, string>> & { readonly alertname: AlertName; readonly severity: Severity };

/** One alert that should be firing now, as a rule derives it. */
export interface AlertCandidate {
  labels: AlertLabels;
  summary: string;
  description: string;
}

/** Builds the labels of an alert, dropping empty or undefined ones. */
export function alertLabels(alertname: AlertName, severity: Severity, rest: Readonly<Record<string, string | null | undefined>> = {}): AlertLabels {
  const labels: Record<string, string> = { alertname, severity };
  for (const [name, value] of Object.entries(rest)) if (value) labels[name] = value;
  return labels as AlertLabels;
}

/** Stable identity of a label set (sorted names), like Alertmanager's fingerprint. */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
}

/** Level label as SPEC §5 writes it: 0.8, 0.9, 0.95. */
export function levelLabel(level: number): string {
  return String(level);
}

/** 450000 → "450,000" (descriptions only; labels keep raw values). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Class as descriptions name it. */
export const CLASS_WORDS: Readonly<Record<DataClass, string>> = { nonSensitive: 'non-sensitive', sensitive: 'sensitive' };

/**
 * Labels naming the instrument an alert is about (SPEC §5): `certificate_id` for a certificate (as
 * always: routes, silences and the Prometheus rules written for certificates keep matching, and
 * its kind is certification), `instrument_id` and `instrument_kind` for the other kinds.
 */
export function instrumentScopeLabels(instrumentId: string | null | undefined, kind: string | null | undefined): Record<string, string | undefined> {
  if (!instrumentId) return {};
  const instrumentKind = kind ?? 'certification';
  if (instrumentKind === 'certification') return { certificate_id: instrumentId };
  return { instrument_id: instrumentId, instrument_kind: instrumentKind };
}
