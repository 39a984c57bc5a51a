import chineseDays from 'chinese-days';
import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDaysToDate, parseDate } from './calendar.js';

/**
 * China's working days: Monday to Friday unless a public holiday, plus the make-up working
 * Saturdays and Sundays (调休上班), as the State Council General Office announces them each year.
 * The calendar comes from the `chinese-days` package; a date outside the years its data covers
 * throws instead of silently falling back to plain weekdays.
 */

/** Years present in the package's holiday data (every announced year has at least New Year's Day). */
function coveredYears(): { readonly first: number; readonly last: number } {
  const years = Object.keys(calendarData.holidays).map((date) => Number(date.slice(0, 4)));
  return Object.freeze({ first: Math.min(...years), last: Math.max(...years) });
}

/** First and last calendar years the package's data covers. */
export const WORKING_DAY_YEARS: { readonly first: number; readonly last: number } = coveredYears();

/**
 * True when the China date YYYY-MM-DD is a working day (Mon–Fri not a holiday, or a make-up working
 * weekend day). Throws RangeError for an invalid date or one outside {@link WORKING_DAY_YEARS}.
 */
export function isWorkingDay(date: string): boolean {
  const { year, month, day } = parseDate(date);
  if (year < WORKING_DAY_YEARS.first || year > WORKING_DAY_YEARS.last) {
    throw new RangeError(`no working-day calendar for ${date}: the chinese-days data covers ${WORKING_DAY_YEARS.first}–${WORKING_DAY_YEARS.last}`);
  }
  // The package reads a 'YYYY-MM-DD' string as UTC midnight but takes its weekday and key in local
  // time, so west of UTC it would judge the previous day; a local-midnight Date reads right anywhere.
  return chineseDays.isWorkday(new Date(year, month - 1, day));
}

/** The n-th working day after `date` (n > 0) or before it (n < 0), `date` itself not counted. */
export function shiftWorkingDays(date: string, n: number): string {
  if (!Number.isInteger(n) || n === 0) throw new RangeError(`n must be a non-zero integer: ${n}`);
  parseDate(date);
  const step = Math.sign(n);
  let current = date;
  for (let left = Math.abs(n); left > 0; ) {
    current = addDaysToDate(current, step);
    if (isWorkingDay(current)) left -= 1;
  }
  return current;
}

/**
 * Working days strictly between `from` and `to` (both excluded; 0 when to ≤ from + 1 day), counting
 * no further than `limit`: the walk stops there, so it needs the calendar only as far as it goes.
 */
export function countWorkingDaysBetween(from: string, to: string, limit = Number.POSITIVE_INFINITY): number {
  parseDate(to);
  let count = 0;
  for (let day = addDaysToDate(from, 1); day < to && count < limit; day = addDaysToDate(day, 1)) {
    if (isWorkingDay(day)) count += 1;
  }
  return count;
}
