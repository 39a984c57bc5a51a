import { describe, expect, it } from 'vitest';
import { FORECAST_WINDOW_DAYS, forecastCapReach } from './forecast.js';

const days = (today: string, perDay: number, n = 14) =>
  Array.from({ length: n }, (_, i) => ({ day: new Date(Date.parse(`${today}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10), individuals: perDay }));

describe('forecastCapReach (trailing 14-day rate)', () => {
  it('uses a 14-day window ending today, both ends included', () => {
    expect(FORECAST_WINDOW_DAYS).toBe(14);
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
});
