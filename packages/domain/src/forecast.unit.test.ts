import { describe, expect, it } from 'vitest';
import { forecastCapReach } from './forecast.js';

const days = (today: string, perDay: number, n = 14) =>
  Array.from({ length: n }, (_, i) => ({
    day: new Date(Date.parse(`${today}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10),
    individuals: perDay,
  }));

const EARLY_JANUARY = {
  daily: [
    ['2026-01-01', 2_000],
    ['2026-01-05', 8_000],
  ],
  today: '2026-01-05',
  count: 10_000,
  cap: 60_000,
  since: undefined,
  rate: 2_000,
};

describe('forecastCapReach (trailing rate over at most 14 days)', () => {
  it('uses a 14-day window ending today, both ends included', () => {
    const dailyNew = [
      { day: '2026-06-01', individuals: 1_400 }, // 14th day back: inside
      { day: '2026-05-31', individuals: 99_999 }, // 15th day back: outside
      { day: '2026-06-15', individuals: 99_999 }, // future: outside
    ];
    const f = forecastCapReach({ count: 0, cap: 1_000, dailyNew, today: '2026-06-14', year: 2026 });
    expect(f).toEqual({ date: '2026-06-24', days: 10, ratePerDay: 100 });
  });

  it('rounds the days up', () => {
    const f = forecastCapReach({ count: 0, cap: 1_001, dailyNew: days('2026-06-14', 100), today: '2026-06-14', year: 2026 });
    expect(f?.days).toBe(11);
  });

  it('is null without new individuals', () => {
    expect(forecastCapReach({ count: 10, cap: 100, dailyNew: [], today: '2026-06-14', year: 2026 })).toBeNull();
  });

  it('is today when the cap is already reached', () => {
    expect(forecastCapReach({ count: 100, cap: 100, dailyNew: [], today: '2026-06-14', year: 2026 })).toEqual({
      date: '2026-06-14',
      days: 0,
      ratePerDay: 0,
    });
  });

  it('counts 31 December but not beyond (the count restarts on 1 January)', () => {
    const onLastDay = forecastCapReach({ count: 0, cap: 1_700, dailyNew: days('2026-12-14', 100), today: '2026-12-14', year: 2026 });
    expect(onLastDay?.date).toBe('2026-12-31');
    const nextYear = forecastCapReach({ count: 0, cap: 1_800, dailyNew: days('2026-12-14', 100), today: '2026-12-14', year: 2026 });
    expect(nextYear).toBeNull();
  });

  // Worked by hand: rate = new individuals in the window / days in the window, where the window
  // starts at the latest of (today − 13 days, 1 January, since, the first day with data).
  it.each([
    {
      what: '1–5 January, 2,000 a day',
      daily: [
        ['2026-01-01', 2_000],
        ['2026-01-02', 2_000],
        ['2026-01-03', 2_000],
        ['2026-01-04', 2_000],
        ['2026-01-05', 2_000],
      ],
      today: '2026-01-05',
      count: 10_000,
      cap: 60_000,
      since: undefined,
      until: undefined,
      rate: 2_000,
      date: '2026-01-30',
    },
    {
      what: 'data from 3 January only (first transfer)',
      daily: [
        ['2026-01-03', 900],
        ['2026-01-05', 300],
      ],
      today: '2026-01-05',
      count: 1_200,
      cap: 5_200,
      since: undefined,
      until: undefined,
      rate: 400,
      date: '2026-01-15',
    },
    {
      what: 'certificate valid from 10 June (earlier data of the processor ignored)',
      daily: [
        ['2026-06-08', 5_000],
        ['2026-06-10', 600],
        ['2026-06-12', 600],
      ],
      today: '2026-06-12',
      count: 1_200,
      cap: 2_000,
      since: '2026-06-10',
      until: undefined,
      rate: 400,
      date: '2026-06-14',
    },
    {
      what: 'a full 14-day window in the middle of the year',
      daily: [
        ['2026-03-01', 50_000],
        ['2026-06-01', 1_400],
      ],
      today: '2026-06-14',
      count: 51_400,
      cap: 52_400,
      since: undefined,
      until: undefined,
      rate: 100,
      date: '2026-06-24',
    },
    // 10,000 over 1–5 January: 2,000 a day, the 60,000 cap on 30 January; `until` cuts it off.
    { what: 'date after until', ...EARLY_JANUARY, until: '2026-01-29', date: null },
    { what: 'date on until', ...EARLY_JANUARY, until: '2026-01-30', date: '2026-01-30' },
  ])('$what', ({ daily, today, count, cap, since, until, rate, date }) => {
    const dailyNew = daily.map(([day, individuals]) => ({ day: day as string, individuals: individuals as number }));
    const f = forecastCapReach({ count, cap, dailyNew, today, year: 2026, since, until });
    expect(f?.date ?? null).toBe(date);
    if (f) expect(f.ratePerDay).toBe(rate);
  });
});
