import { addDaysToDate, yearLastDate } from './calendar.js';

/** Trailing window of the new-individuals rate behind ForecastCapBreach (SPEC §5). */
export const FORECAST_WINDOW_DAYS = 14;

export interface CapForecast {
  /** China date on which the cap is reached at the current rate. */
  date: string;
  /** Whole days from `today` to `date` (0 when already reached). */
  days: number;
  /** New individuals per day over the trailing window. */
  ratePerDay: number;
}

/**
 * When will `count` reach `cap` at the trailing 14-day rate of new individuals? Null when the
 * rate is zero or the date falls after 31 December of the counting year (the count restarts).
 * `dailyNew` holds new individuals per China date; days outside the window are ignored.
 */
export function forecastCapReach(input: {
  count: number;
  cap: number;
  dailyNew: ReadonlyArray<{ day: string; individuals: number }>;
  today: string;
  year: number;
}): CapForecast | null {
  const from = addDaysToDate(input.today, -(FORECAST_WINDOW_DAYS - 1));
  let recent = 0;
  for (const { day, individuals } of input.dailyNew) if (day >= from && day <= input.today) recent += individuals;
  const ratePerDay = recent / FORECAST_WINDOW_DAYS;
  if (input.count >= input.cap) return { date: input.today, days: 0, ratePerDay };
  if (ratePerDay <= 0) return null;
  const days = Math.ceil((input.cap - input.count) / ratePerDay);
  const date = addDaysToDate(input.today, days);
  return date <= yearLastDate(input.year) ? { date, days, ratePerDay } : null;
}
