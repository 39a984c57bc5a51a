import { addDaysToDate, daysBetween, yearLastDate } from './calendar.js';

/** Longest trailing window of the new-individuals rate behind ForecastCapBreach (SPEC §5). */
export const FORECAST_WINDOW_DAYS = 14;

export interface CapForecast {
  /** China date on which the cap is reached at the current rate. */
  date: string;
  /** Whole days from `today` to `date` (0 when already reached). */
  days: number;
  /** New individuals per day over the days of the window that could have data. */
  ratePerDay: number;
}

export interface ForecastInput {
  count: number;
  cap: number;
  /** New individuals per China date; days outside the window are ignored. */
  dailyNew: ReadonlyArray<{ day: string; individuals: number }>;
  today: string;
  year: number;
  /** First day the scope can have data (a certificate's validFrom). */
  since?: string | undefined;
  /** Last day a breach matters (a certificate's validTo); later dates give no forecast. */
  until?: string | undefined;
}

/**
 * First day of the rate window: 14 days back from today, but never before 1 January, `since`
 * or the first day with data. Dividing by 14 days when only 5 of them could have data would
 * under-warn a scope that started this month by almost a factor of three.
 */
export function forecastWindowStart(input: Pick<ForecastInput, 'dailyNew' | 'today' | 'year' | 'since'>): string | null {
  let firstData: string | null = null;
  for (const { day, individuals } of input.dailyNew) {
    if (individuals > 0 && day <= input.today && (firstData === null || day < firstData)) firstData = day;
  }
  if (firstData === null) return null;
  const candidates = [addDaysToDate(input.today, -(FORECAST_WINDOW_DAYS - 1)), `${input.year}-01-01`, firstData];
  if (input.since !== undefined) candidates.push(input.since);
  // biome-ignore lint/complexity/useMathMinMax: ISO dates compared as strings, not numbers
  return candidates.reduce((latest, day) => (day > latest ? day : latest));
}

/**
 * When will `count` reach `cap` at the trailing rate of new individuals? Null when the rate is
 * zero, or the date falls after 31 December of the counting year (the count restarts) or after
 * `until`.
 */
export function forecastCapReach(input: ForecastInput): CapForecast | null {
  const from = forecastWindowStart(input);
  let recent = 0;
  if (from !== null) for (const { day, individuals } of input.dailyNew) if (day >= from && day <= input.today) recent += individuals;
  const ratePerDay = from === null ? 0 : recent / (daysBetween(from, input.today) + 1);
  if (input.count >= input.cap) return { date: input.today, days: 0, ratePerDay };
  if (ratePerDay <= 0) return null;
  const days = Math.ceil((input.cap - input.count) / ratePerDay);
  const date = addDaysToDate(input.today, days);
  const last = input.until !== undefined && input.until < yearLastDate(input.year) ? input.until : yearLastDate(input.year);
  return date <= last ? { date, days, ratePerDay } : null;
}
