import { describe, expect, it } from 'vitest';
import {
  addDaysToDate,
  addMonthsToDate,
  chinaDate,
  chinaDayStart,
  daysBetween,
  isValidDate,
  parseDate,
  yearLastDate,
  yearOf,
  yearStart,
} from './calendar.js';

describe('counting year (1 January 00:00 China Standard Time, UTC+8)', () => {
  it('puts the last millisecond before CST midnight in the old year', () => {
    expect(yearOf('2026-12-31T15:59:59.999Z')).toBe(2026);
  });

  it('puts CST midnight itself in the new year', () => {
    expect(yearOf('2026-12-31T16:00:00Z')).toBe(2027);
    expect(yearOf('2027-01-01T00:00:00+08:00')).toBe(2027);
    expect(yearOf('2026-12-31T23:59:59.999+08:00')).toBe(2026);
  });

  it('accepts Date, string and epoch milliseconds alike', () => {
    const ms = Date.parse('2026-12-31T16:00:00Z');
    expect(yearOf(ms)).toBe(2027);
    expect(yearOf(new Date(ms))).toBe(2027);
    expect(yearOf(ms - 1)).toBe(2026);
  });

  it('rejects an invalid instant', () => {
    expect(() => yearOf('not a date')).toThrow(RangeError);
    expect(() => chinaDate(Number.NaN)).toThrow(RangeError);
  });

  it('gives the window [yearStart(y), yearStart(y + 1)) in UTC', () => {
    expect(yearStart(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(yearOf(yearStart(2026))).toBe(2026);
    expect(yearOf(yearStart(2027).getTime() - 1)).toBe(2026);
  });

  it('handles years below 100 without the Date.UTC 19xx mapping', () => {
    expect(yearOf(yearStart(50))).toBe(50);
  });

  it('gives the last date of a year', () => {
    expect(yearLastDate(2026)).toBe('2026-12-31');
  });
});

describe('China dates', () => {
  it('converts instants to China calendar dates and months', () => {
    expect(chinaDate('2026-03-31T15:59:59.999Z')).toBe('2026-03-31');
    expect(chinaDate('2026-03-31T16:00:00Z')).toBe('2026-04-01');
  });

  it('gives the UTC instant of a China date 00:00', () => {
    expect(chinaDayStart('2026-05-01').toISOString()).toBe('2026-04-30T16:00:00.000Z');
    expect(chinaDate(chinaDayStart('2026-05-01'))).toBe('2026-05-01');
  });

  it('validates calendar dates strictly', () => {
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-04-31')).toBe(false);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('2026-1-01')).toBe(false);
    expect(() => chinaDayStart('2026-02-30')).toThrow(RangeError);
    expect(parseDate('2026-07-09')).toEqual({ year: 2026, month: 7, day: 9 });
  });
});

describe('calendar arithmetic', () => {
  it('adds months, clamping to the month end', () => {
    expect(addMonthsToDate('2026-01-15', 1)).toBe('2026-02-15');
    expect(addMonthsToDate('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonthsToDate('2028-08-31', -6)).toBe('2028-02-29');
    expect(addMonthsToDate('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonthsToDate('2026-01-31', 36)).toBe('2029-01-31');
    expect(addMonthsToDate('2024-02-29', 36)).toBe('2027-02-28');
    expect(addMonthsToDate('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonthsToDate('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonthsToDate('2026-05-05', 0)).toBe('2026-05-05');
    expect(() => addMonthsToDate('2026-05-05', 1.5)).toThrow(RangeError);
  });

  it('adds days across month and year ends', () => {
    expect(addDaysToDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDaysToDate('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('counts days from a to b', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-01-31', '2026-01-01')).toBe(-30);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-05-05', '2026-05-05')).toBe(0);
  });
});
