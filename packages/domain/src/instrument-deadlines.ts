import { addDaysToDate, parseDate } from './calendar.js';
import type { CertificateStatus } from './scope.js';
import { countWorkingDaysBetween, shiftWorkingDays } from './working-days.js';

/**
 * Working-day deadlines of the other two pathways' instruments, behind FilingDue and
 * AssessmentExtensionDue (SPEC §2, §5). All dates are China dates 'YYYY-MM-DD'. As in Chinese law
 * generally (Civil Code Art. 201), the day a period starts from is not counted: "within 10 working
 * days from the day X" ends on the 10th working day after X.
 */

export type DeadlineSeverity = 'warning' | 'critical';

/** Dates are compared as strings below: refuse anything but real 'YYYY-MM-DD' dates first. */
function requireDates(...dates: string[]): void {
  for (const date of dates) parseDate(date);
}

/** SCC Measures (个人信息出境标准合同办法) Art. 7: file within 10 working days of the contract taking effect. */
export const SCC_FILING_WORKING_DAYS = 10;
/** 2024 Provisions on Promoting and Regulating Cross-Border Data Flow Art. 8: extension applied for within the 60 working days before expiry. */
export const SA_EXTENSION_WINDOW_WORKING_DAYS = 60;
/** AssessmentExtensionDue is critical for the last this-many working days of the window (SPEC §5). */
export const SA_EXTENSION_CRITICAL_WORKING_DAYS = 10;
/**
 * The 60 working days before validTo all lie within its 119 preceding calendar days: those hold 17
 * whole weeks (85 weekdays), and no notice has taken 25 weekdays off within four months (in the
 * package's data the 60 working days never span more than 96 days: 2026-01-30 to 2026-05-06, over
 * Spring Festival, Qingming and Labour Day). So a day 120 or more calendar days before validTo is
 * before the window, which lets an approval expiring beyond the covered years be judged.
 */
const SA_WINDOW_MAX_CALENDAR_DAYS = 120;

/**
 * Last day to file a standard contract with the provincial CAC: the 10th working day after the day
 * it takes effect (SCC Measures Art. 7: 在标准合同生效之日起10个工作日内备案).
 */
export function filingDueDate(effectiveOn: string): string {
  return shiftWorkingDays(effectiveOn, SCC_FILING_WORKING_DAYS);
}

/**
 * FilingDue severity on `today`: warning from the day the contract takes effect through the due
 * date, critical after it. None while not in effect yet, once filed, without an effective date, or
 * when the instrument is not active. Decided by counting the working days from effectiveOn up to
 * today (today > due date ⇔ 10 of them lie before today), so it needs the calendar only up to today
 * (a contract taking effect late in December is judged before next year's calendar is out).
 */
export function filingDueSeverity(
  scc: { effectiveOn?: string | undefined; filedOn?: string | undefined; status: CertificateStatus },
  today: string,
): DeadlineSeverity | null {
  const { effectiveOn } = scc;
  if (effectiveOn === undefined || scc.filedOn !== undefined || scc.status !== 'active') return null;
  requireDates(effectiveOn, today);
  if (today < effectiveOn) return null;
  const elapsed = countWorkingDaysBetween(effectiveOn, today, SCC_FILING_WORKING_DAYS);
  return elapsed < SCC_FILING_WORKING_DAYS ? 'warning' : 'critical';
}

export interface ExtensionWindow {
  /** First of the 60 working days before validTo. */
  opensOn: string;
  /** First of the window's last 10 working days: from here on the alert is critical. */
  criticalFrom: string;
  /** Last working day before validTo. */
  closesOn: string;
}

/**
 * The extension window of a security-assessment approval valid to `validTo` (its last day of
 * validity). 2024 Provisions Art. 8: the result is valid 3 years from issue, and an extension may
 * be applied for 在有效期届满前60个工作日内, i.e. on the 60 working days before validTo.
 *
 * "Critical 10 working days before it closes" (SPEC §5) is read as: the last 10 working days of the
 * window are critical, so criticalFrom is the 10th working day before validTo and
 * criticalFrom..closesOn holds exactly 10 working days (the first 50 are warning).
 */
export function assessmentExtensionWindow(validTo: string): ExtensionWindow {
  return {
    opensOn: shiftWorkingDays(validTo, -SA_EXTENSION_WINDOW_WORKING_DAYS),
    criticalFrom: shiftWorkingDays(validTo, -SA_EXTENSION_CRITICAL_WORKING_DAYS),
    closesOn: shiftWorkingDays(validTo, -1),
  };
}

/**
 * AssessmentExtensionDue severity on `today`: warning from opensOn, critical from criticalFrom
 * through validTo itself (days between closesOn and validTo, such as a weekend or validTo, stay
 * critical: the approval is about to lapse unextended). None before the window, after validTo
 * (the approval has expired: another alert), once an extension was applied for, or when the
 * approval is not active.
 */
export function assessmentExtensionSeverity(
  sa: { validTo: string; extensionAppliedOn?: string | undefined; status: CertificateStatus },
  today: string,
): DeadlineSeverity | null {
  requireDates(sa.validTo, today);
  if (sa.extensionAppliedOn !== undefined || sa.status !== 'active' || today > sa.validTo) return null;
  if (today <= addDaysToDate(sa.validTo, -SA_WINDOW_MAX_CALENDAR_DAYS)) return null;
  const window = assessmentExtensionWindow(sa.validTo);
  if (today < window.opensOn) return null;
  return today < window.criticalFrom ? 'warning' : 'critical';
}
