import { daysBetween } from './calendar.js';
import type { Certificate } from './scope.js';
import { renewalDueDate } from './scope.js';
import type { Severity } from './utilization.js';

/** Certificate lifecycle rules behind CertificateRenewalDue / CertificateExpired (SPEC §2, §5). */

/**
 * CertificateRenewalDue severity on China date `today`: none once a renewal was applied for;
 * warning within `alerting.renewalLeadDays` of the due date (validTo − 6 months, inclusive);
 * critical once that date has passed.
 */
export function renewalAlertSeverity(
  c: Pick<Certificate, 'validTo' | 'renewalAppliedAt' | 'alerting'>,
  today: string,
): Extract<Severity, 'warning' | 'critical'> | null {
  if (c.renewalAppliedAt !== undefined) return null;
  const daysLeft = daysBetween(today, renewalDueDate(c));
  if (daysLeft < 0) return 'critical';
  if (daysLeft <= c.alerting.renewalLeadDays) return 'warning';
  return null;
}

/** CertificateExpired: China date `today` is after validTo (validTo itself is still valid). */
export function isExpired(c: Pick<Certificate, 'validTo'>, today: string): boolean {
  return today > c.validTo;
}
