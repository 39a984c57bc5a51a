/**
 * China Standard Time calendar (UTC+8, no DST). The counting window is the calendar year starting
 * 1 January 00:00 CST, judged by the event's `occurredAt` (SPEC §2).
 *
 * Dates are plain 'YYYY-MM-DD' strings (a China calendar date); instants are `Date`s.
 */

export const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toMillis(instant: Date | string | number): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return ms;
}

/** The instant shifted so that its UTC fields read as China wall-clock fields. */
function chinaFields(instant: Date | string | number): Date {
  return new Date(toMillis(instant) + CHINA_OFFSET_MS);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** UTC milliseconds of `year-month(1-based)-day` 00:00 UTC; safe for years 0..99 too. */
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Parses a strict 'YYYY-MM-DD' calendar date; throws RangeError on anything else (e.g. 2026-02-30). */
export function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date (expected YYYY-MM-DD): ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`invalid date (no such calendar day): ${date}`);
  }
  return { year, month, day };
}

/** True when `date` is a real 'YYYY-MM-DD' calendar date. */
export function isValidDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Counting year of an instant: 2026-12-31T15:59:59.999Z → 2026; 2026-12-31T16:00:00Z → 2027. */
export function yearOf(instant: Date | string | number): number {
  return chinaFields(instant).getUTCFullYear();
}

/** UTC instant of 1 January 00:00 CST of `year` (inclusive start of the counting window). */
export function yearStart(year: number): Date {
  return new Date(utcMidnight(year, 1, 1) - CHINA_OFFSET_MS);
}

/** China calendar date 'YYYY-MM-DD' of an instant. */
export function chinaDate(instant: Date | string | number): string {
  const f = chinaFields(instant);
  return formatDate(f.getUTCFullYear(), f.getUTCMonth() + 1, f.getUTCDate());
}

/** UTC instant of 00:00 CST on the China date `date`. */
export function chinaDayStart(date: string): Date {
  const { year, month, day } = parseDate(date);
  return new Date(utcMidnight(year, month, day) - CHINA_OFFSET_MS);
}

/** Calendar arithmetic on 'YYYY-MM-DD': the day-of-month is clamped to the target month's end
 * (2026-08-31 + 6 months → 2027-02-28; 2028-08-31 − 6 months → 2028-02-29). */
export function addMonthsToDate(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer: ${months}`);
  const { year, month, day } = parseDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return formatDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** 'YYYY-MM-DD' plus a whole number of days (may be negative). */
export function addDaysToDate(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  const { year, month, day } = parseDate(date);
  const d = new Date(utcMidnight(year, month, day) + days * DAY_MS);
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Last day of a period of `years` whole years starting on `date` (the day before its anniversary):
 * 2026-01-01 → 2028-12-31 for 3 years. The anniversary of 29 February in a common year is 1 March,
 * so 2024-02-29 → 2027-02-28.
 */
export function lastDayOfYears(date: string, years: number): string {
  if (!Number.isInteger(years)) throw new RangeError(`years must be an integer: ${years}`);
  const { year, month, day } = parseDate(date);
  const anniversary = new Date(Date.UTC(year + years, month - 1, day));
  return addDaysToDate(formatDate(anniversary.getUTCFullYear(), anniversary.getUTCMonth() + 1, anniversary.getUTCDate()), -1);
}

/** Whole days from date `a` to date `b` (b − a): daysBetween('2026-01-01', '2026-01-31') = 30. */
export function daysBetween(a: string, b: string): number {
  const pa = parseDate(a);
  const pb = parseDate(b);
  return Math.round((utcMidnight(pb.year, pb.month, pb.day) - utcMidnight(pa.year, pa.month, pa.day)) / DAY_MS);
}

/** Last China date of the counting year: `${year}-12-31`. */
export function yearLastDate(year: number): string {
  return formatDate(year, 12, 31);
}
