import { chinaDate, daysBetween, isValidDate } from './calendar.js';
import type { Certificate } from './scope.js';
import { renewalDueDate } from './scope.js';
import type { Severity } from './utilization.js';

/** Certificate lifecycle rules behind CertificateRenewalDue / CertificateExpired (SPEC §2, §5). */

/**
 * CertificateRenewalDue severity on China date `today`: none once a renewal was applied for, and
 * none for a suspended or revoked certificate (there is nothing to renew); warning within
 * `alerting.renewalLeadDays` of the due date (validTo − 6 months, inclusive); critical once that
 * date has passed.
 */
export function renewalAlertSeverity(
  c: Pick<Certificate, 'validTo' | 'renewalAppliedAt' | 'alerting'> & { status?: Certificate['status'] },
  today: string,
): Extract<Severity, 'warning' | 'critical'> | null {
  if (c.renewalAppliedAt !== undefined) return null;
  if (c.status === 'suspended' || c.status === 'revoked') return null;
  const daysLeft = daysBetween(today, renewalDueDate(c));
  if (daysLeft < 0) return 'critical';
  if (daysLeft <= c.alerting.renewalLeadDays) return 'warning';
  return null;
}

/** CertificateExpired: China date `today` is after validTo (validTo itself is still valid). */
export function isExpired(c: Pick<Certificate, 'validTo'>, today: string): boolean {
  return today > c.validTo;
}

/**
 * True when `successor` is the certificate `c` names in `supersededBy`, of the same processor,
 * active and valid on China date `today`: the expired certificate has been replaced, so its
 * expiry is no longer news (its own transfers after expiry are still out of scope).
 */
export function hasActiveSuccessor(
  c: Pick<Certificate, 'processorId' | 'supersededBy'>,
  successor: Pick<Certificate, 'certificateId' | 'processorId' | 'status' | 'validFrom' | 'validTo'> | undefined,
  today: string,
): boolean {
  return (
    successor !== undefined &&
    c.supersededBy === successor.certificateId &&
    successor.processorId === c.processorId &&
    successor.status === 'active' &&
    today >= successor.validFrom &&
    today <= successor.validTo
  );
}

/** The renewal application as the evidence pack records it. */
export interface RenewalStanding {
  /** validTo − 6 months. */
  dueDate: string;
  /** China date of renewalAppliedAt; null when none is recorded. */
  appliedOn: string | null;
  /** Applied after the due date. */
  late: boolean;
}

export function renewalStanding(c: Pick<Certificate, 'validTo' | 'renewalAppliedAt'>): RenewalStanding {
  const dueDate = renewalDueDate(c);
  const applied = c.renewalAppliedAt;
  const appliedOn = applied === undefined ? null : isValidDate(applied) ? applied : chinaDate(applied);
  return { dueDate, appliedOn, late: appliedOn !== null && appliedOn > dueDate };
}
