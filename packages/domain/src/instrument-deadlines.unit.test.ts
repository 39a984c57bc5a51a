import { describe, expect, it } from 'vitest';
import { addDaysToDate, daysBetween } from './calendar.js';
import {
  assessmentExtensionSeverity,
  assessmentExtensionWindow,
  type DeadlineSeverity,
  filingDueDate,
  filingDueSeverity,
} from './instrument-deadlines.js';
import { isWorkingDay, WORKING_DAY_YEARS } from './working-days.js';

/*
 * Expected dates are counted by hand from the State Council General Office's notice on the 2026
 * holidays (quoted in working-days.unit.test.ts). In short: off Jan 1–3, Feb 15–23, Apr 4–6,
 * May 1–5, Jun 19–21, Sep 25–27, Oct 1–7; make-up working days Sun Jan 4, Sat Feb 14, Sat Feb 28,
 * Sat May 9, Sun Sep 20, Sat Oct 10. 1 January 2026 is a Thursday; the 1st of Jul is a Wednesday,
 * Aug a Saturday, Sep a Tuesday, Oct a Thursday, Nov a Sunday, Dec a Tuesday.
 */

describe('SCC filing due date (SCC Measures Art. 7: 10 working days from taking effect)', () => {
  it.each([
    // Just before National Day: Oct 1–7 off; Oct 8 (1), 9 (2), Sat 10 make-up (3), 12–16 (4–8), 19 (9), 20 (10).
    { effectiveOn: '2026-09-30', due: '2026-10-20' },
    // Effective on a holiday: the count is the same as from 30 Sep.
    { effectiveOn: '2026-10-03', due: '2026-10-20' },
    // Across Mid-Autumn and National Day: Sun 20 make-up (1), 21–24 (2–5), 25–27 off, 28–30 (6–8), Oct 8 (9), 9 (10).
    { effectiveOn: '2026-09-18', due: '2026-10-09' },
    // Across Spring Festival: Feb 13 (1), Sat 14 make-up (2), 15–23 off, 24–27 (3–6), Sat 28 make-up (7), Mar 2–4 (8–10).
    { effectiveOn: '2026-02-12', due: '2026-03-04' },
    // No holiday: Mon 2 Nov → Nov 3–6 (1–4), 9–13 (5–9), 16 (10).
    { effectiveOn: '2026-11-02', due: '2026-11-16' },
  ])('effective $effectiveOn → due $due', ({ effectiveOn, due }) => {
    expect(filingDueDate(effectiveOn)).toBe(due);
  });
});

describe('FilingDue severity', () => {
  it('counts a make-up Saturday: effective 18 Sep is due Fri 9 Oct, so Sat 10 Oct is critical', () => {
    const early = { effectiveOn: '2026-09-18', status: 'active' as const };
    expect(filingDueSeverity(early, '2026-10-09')).toBe('warning');
    expect(filingDueSeverity(early, '2026-10-10')).toBe('critical');
  });

  it('agrees with filingDueDate on every day around every due date of 2026', () => {
    for (let effectiveOn = '2026-01-01'; effectiveOn <= '2026-12-01'; effectiveOn = addDaysToDate(effectiveOn, 1)) {
      const due = filingDueDate(effectiveOn);
      for (let today = effectiveOn; today <= addDaysToDate(due, 3); today = addDaysToDate(today, 1)) {
        expect(filingDueSeverity({ effectiveOn, status: 'active' }, today), `${effectiveOn} on ${today}`).toBe(today <= due ? 'warning' : 'critical');
      }
    }
  });

  it('refuses an invalid date rather than comparing it as text', () => {
    expect(() => filingDueSeverity({ effectiveOn: '2026-09-31', status: 'active' }, '2026-10-01')).toThrow(RangeError);
    expect(() => filingDueSeverity({ effectiveOn: '2026-09-30', status: 'active' }, '2026-10-1')).toThrow(RangeError);
    expect(() => assessmentExtensionSeverity({ validTo: '2026-12-18', status: 'active' }, '2026/12/01')).toThrow(RangeError);
    expect(() => assessmentExtensionSeverity({ validTo: '2026-12-32', status: 'active' }, '2026-12-01')).toThrow(RangeError);
  });

  it('judges a contract effective late in the last covered year before the next calendar exists', () => {
    const last = WORKING_DAY_YEARS.last;
    expect(() => filingDueDate(`${last}-12-28`)).toThrow(RangeError);
    expect(filingDueSeverity({ effectiveOn: `${last}-12-28`, status: 'active' }, `${last}-12-31`)).toBe('warning');
  });
});

describe('SA extension window (2024 Provisions Art. 8: the 60 working days before expiry)', () => {
  /*
   * validTo 2026-12-18 (Fri). Counting back the working days before it:
   *   Dec 1–17: Tue 1–Fri 4 (4), 7–11 (5), Mon 14–Thu 17 (4)                 = 13  → 13
   *   Nov:      2–6, 9–13, 16–20, 23–27 (20), Mon 30 (1)                      = 21  → 34
   *   Oct:      Oct 1–7 off; Thu 8, Fri 9, Sat 10 make-up (3), 12–16, 19–23, 26–30 (15); Sat 31 = 18  → 52
   *   Sep:      30, 29, 28 (53–55); Fri 25–Sun 27 off; 24, 23, 22, 21 (56–59); Sun 20 make-up (60)
   * → opensOn 2026-09-20, a make-up Sunday. closesOn 2026-12-17 (Thu).
   * criticalFrom, the first of the last 10 working days: 17, 16, 15, 14, 11, 10, 9, 8, 7, 4 → 2026-12-04.
   *
   * validTo 2026-10-12 (Mon):
   *   Oct: Sat 10 make-up, 9, 8 (3), Oct 1–7 off                                   → 3
   *   Sep: 22 weekdays − Fri 25 + Sun 20 make-up = 22                              → 25
   *   Aug: 3–7, 10–14, 17–21, 24–28 (20), Mon 31 (1) = 21                          → 46
   *   Jul: 31, 30, 29, 28, 27 (47–51); 24–20 (52–56); 17, 16, 15, 14 (57–60)
   * → opensOn 2026-07-14; closesOn 2026-10-10, the make-up Saturday;
   * criticalFrom: Oct 10, 9, 8, Sep 30, 29, 28, 24, 23, 22, 21 → 2026-09-21.
   */
  it.each([
    { validTo: '2026-12-18', opensOn: '2026-09-20', criticalFrom: '2026-12-04', closesOn: '2026-12-17' },
    { validTo: '2026-10-12', opensOn: '2026-07-14', criticalFrom: '2026-09-21', closesOn: '2026-10-10' },
  ])('valid to $validTo → opens $opensOn, critical from $criticalFrom, closes $closesOn', ({ validTo, ...window }) => {
    expect(assessmentExtensionWindow(validTo)).toEqual(window);
  });
});

describe('FilingDue and AssessmentExtensionDue severity by day', () => {
  // Each row is a timeline: the days of 2026 on which the severity changes, and what it changes to
  // (1 January: where the year starts). Every day of the year is judged, so a row also says that
  // nothing changes on the days between (National Day, weekends, make-up working days).
  const SILENT_ALL_YEAR = { '2026-01-01': null };
  function severityChangesIn2026(severity: (today: string) => DeadlineSeverity | null): Record<string, DeadlineSeverity | null> {
    const changes: Record<string, DeadlineSeverity | null> = {};
    let previous: DeadlineSeverity | null | undefined;
    for (let day = '2026-01-01'; day <= '2026-12-31'; day = addDaysToDate(day, 1)) {
      const current = severity(day);
      if (current !== previous) changes[day] = current;
      previous = current;
    }
    return changes;
  }

  const scc = { effectiveOn: '2026-09-30', status: 'active' as const };
  it.each([
    // Warning from the day it takes effect through the due date Tue 20 Oct (worked out above), critical after it.
    { what: 'effective Wed 30 Sep', scope: scc, changes: { '2026-01-01': null, '2026-09-30': 'warning', '2026-10-21': 'critical' } },
    { what: 'filed', scope: { ...scc, filedOn: '2026-10-12' }, changes: SILENT_ALL_YEAR },
    { what: 'suspended', scope: { ...scc, status: 'suspended' as const }, changes: SILENT_ALL_YEAR },
    { what: 'revoked', scope: { ...scc, status: 'revoked' as const }, changes: SILENT_ALL_YEAR },
    { what: 'without an effective date', scope: { status: 'active' as const }, changes: SILENT_ALL_YEAR },
  ])('FilingDue of a contract $what', ({ scope, changes }) => {
    expect(severityChangesIn2026((today) => filingDueSeverity(scope, today))).toEqual(changes);
  });

  const sa = { validTo: '2026-12-18', status: 'active' as const };
  it.each([
    // Window worked out above: opens make-up Sun 20 Sep, critical from Fri 4 Dec, closes Thu 17 Dec;
    // critical through validTo itself, none after it (expired: another alert).
    {
      what: 'valid to Fri 18 Dec',
      scope: sa,
      changes: { '2026-01-01': null, '2026-09-20': 'warning', '2026-12-04': 'critical', '2026-12-19': null },
    },
    // Opens Tue 14 Jul, critical from Mon 21 Sep (make-up Sun 20 Sep the last warning day), closes
    // make-up Sat 10 Oct; Sun 11 Oct, after it closes and before validTo, stays critical.
    {
      what: 'valid to Mon 12 Oct',
      scope: { ...sa, validTo: '2026-10-12' },
      changes: { '2026-01-01': null, '2026-07-14': 'warning', '2026-09-21': 'critical', '2026-10-13': null },
    },
    { what: 'with an extension applied for', scope: { ...sa, extensionAppliedOn: '2026-10-09' }, changes: SILENT_ALL_YEAR },
    { what: 'suspended', scope: { ...sa, status: 'suspended' as const }, changes: SILENT_ALL_YEAR },
  ])('AssessmentExtensionDue of an approval $what', ({ scope, changes }) => {
    expect(severityChangesIn2026((today) => assessmentExtensionSeverity(scope, today))).toEqual(changes);
  });

  it('judges an approval expiring beyond the covered years while far from its window, and throws near it', () => {
    const last = WORKING_DAY_YEARS.last;
    expect(assessmentExtensionSeverity({ validTo: `${last + 2}-06-30`, status: 'active' }, `${last}-11-30`)).toBeNull();
    expect(() => assessmentExtensionSeverity({ validTo: `${last + 1}-02-01`, status: 'active' }, `${last}-12-20`)).toThrow(RangeError);
  });

  it('the window never starts more than 119 calendar days before validTo, in any covered year', () => {
    // The shortcut for far-off expiries rests on this. For validTo after working day i + 59 and up
    // to working day i + 60, the window opens on working day i: the widest span is the largest gap
    // from a working day to the 60th after it, checked over all the package's data.
    const workingDays: string[] = [];
    for (let day = `${WORKING_DAY_YEARS.first}-01-01`; day <= `${WORKING_DAY_YEARS.last}-12-31`; day = addDaysToDate(day, 1)) {
      if (isWorkingDay(day)) workingDays.push(day);
    }
    let widest = 0;
    for (let i = 0; i + 60 < workingDays.length; i++) {
      widest = Math.max(widest, daysBetween(workingDays[i]!, workingDays[i + 60]!));
    }
    expect(widest).toBeGreaterThan(84); // 12 weeks: holidays do widen it
    expect(widest).toBeLessThanOrEqual(119);
  });
});
