import { describe, expect, it } from 'vitest';
import { addDaysToDate } from './calendar.js';
import { countWorkingDaysBetween, isWorkingDay, shiftWorkingDays, WORKING_DAY_YEARS } from './working-days.js';

/*
 * Expected values come from the State Council General Office's notice, not from the package:
 * 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025, published by Xinhua the same day):
 *   一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
 *   二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
 *   三、清明节：4月4日（周六）至6日（周一）放假，共3天。
 *   四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
 *   五、端午节：6月19日（周五）至21日（周日）放假，共3天。
 *   六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
 *   七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
 * The weekdays in brackets agree with 1 January 2026 being a Thursday.
 */
const NOTICE_2026_DAYS_OFF: ReadonlyArray<readonly [string, string]> = [
  ['2026-01-01', '2026-01-03'],
  ['2026-02-15', '2026-02-23'],
  ['2026-04-04', '2026-04-06'],
  ['2026-05-01', '2026-05-05'],
  ['2026-06-19', '2026-06-21'],
  ['2026-09-25', '2026-09-27'],
  ['2026-10-01', '2026-10-07'],
];
const NOTICE_2026_MAKE_UP_WORKING_DAYS = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

/** The notice read literally: a make-up day works; else Mon–Fri outside the days off. */
function workingPerNotice(date: string): boolean {
  if (NOTICE_2026_MAKE_UP_WORKING_DAYS.includes(date)) return true;
  if (NOTICE_2026_DAYS_OFF.some(([from, to]) => date >= from && date <= to)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

describe('covered years', () => {
  it('include 2026, the year of the notice', () => {
    expect(WORKING_DAY_YEARS.first).toBeLessThanOrEqual(2025);
    expect(WORKING_DAY_YEARS.last).toBeGreaterThanOrEqual(2026);
  });
});

describe('isWorkingDay over 2026, per the State Council notice', () => {
  it.each([
    { date: '2026-01-01', what: 'New Year, Thursday', working: false },
    { date: '2026-01-02', what: 'New Year, Friday', working: false },
    { date: '2026-01-04', what: 'make-up Sunday after New Year', working: true },
    { date: '2026-01-05', what: 'ordinary Monday', working: true },
    { date: '2026-02-14', what: 'make-up Saturday before Spring Festival', working: true },
    { date: '2026-02-16', what: 'Spring Festival, Monday', working: false },
    { date: '2026-02-23', what: 'last day of Spring Festival, Monday', working: false },
    { date: '2026-02-24', what: 'first Tuesday back', working: true },
    { date: '2026-02-28', what: 'make-up Saturday after Spring Festival', working: true },
    { date: '2026-03-01', what: 'ordinary Sunday', working: false },
    { date: '2026-04-06', what: 'Qingming, Monday', working: false },
    { date: '2026-04-07', what: 'Tuesday after Qingming', working: true },
    { date: '2026-05-01', what: 'Labour Day, Friday', working: false },
    { date: '2026-05-05', what: 'Labour Day holiday, Tuesday', working: false },
    { date: '2026-05-06', what: 'Wednesday after Labour Day', working: true },
    { date: '2026-05-09', what: 'make-up Saturday after Labour Day', working: true },
    { date: '2026-05-10', what: 'the Sunday after it', working: false },
    { date: '2026-06-19', what: 'Dragon Boat, Friday', working: false },
    { date: '2026-09-20', what: 'make-up Sunday before National Day', working: true },
    { date: '2026-09-25', what: 'Mid-Autumn, Friday', working: false },
    { date: '2026-09-30', what: 'Wednesday before National Day', working: true },
    { date: '2026-10-05', what: 'National Day holiday, Monday', working: false },
    { date: '2026-10-07', what: 'last day of National Day, Wednesday', working: false },
    { date: '2026-10-08', what: 'Thursday back', working: true },
    { date: '2026-10-10', what: 'make-up Saturday after National Day', working: true },
    { date: '2026-10-11', what: 'the Sunday after it', working: false },
    { date: '2026-11-25', what: 'ordinary Wednesday', working: true },
    { date: '2026-11-28', what: 'ordinary Saturday', working: false },
  ])('$date ($what) → $working', ({ date, working }) => {
    expect(workingPerNotice(date)).toBe(working); // the table agrees with the notice as encoded above
    expect(isWorkingDay(date)).toBe(working);
  });

  it('agrees with the notice on every day of 2026 (248 working days)', () => {
    const disagreements: string[] = [];
    let working = 0;
    for (let date = '2026-01-01'; date <= '2026-12-31'; date = addDaysToDate(date, 1)) {
      if (isWorkingDay(date) !== workingPerNotice(date)) disagreements.push(date);
      if (workingPerNotice(date)) working += 1;
    }
    expect(disagreements).toEqual([]);
    // 261 weekdays in 2026 (365 days from a Thursday: 52 weeks + Thursday), minus the 19 weekdays off
    // (Jan 1–2; Feb 16–20, 23; Apr 6; May 1, 4, 5; Jun 19; Sep 25; Oct 1, 2, 5, 6, 7), plus 6 make-up days.
    expect(working).toBe(261 - 19 + 6);
  });

  it('judges the China date whatever the process time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = zone;
        expect([isWorkingDay('2026-10-12'), isWorkingDay('2026-10-11'), isWorkingDay('2026-10-10')], zone).toEqual([true, false, true]);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('shiftWorkingDays', () => {
  it.each([
    // 30 Sep (Wed) → Oct 1–7 off → 8 Oct (Thu) is the next working day; and back.
    { date: '2026-09-30', n: 1, expected: '2026-10-08' },
    { date: '2026-10-08', n: -1, expected: '2026-09-30' },
    // A start on a holiday is not counted itself.
    { date: '2026-10-03', n: 1, expected: '2026-10-08' },
    { date: '2026-10-03', n: -1, expected: '2026-09-30' },
    // Make-up Saturday 10 Oct counts: 9 Oct (Fri) + 1 = 10 Oct; + 2 = 12 Oct (Mon).
    { date: '2026-10-09', n: 1, expected: '2026-10-10' },
    { date: '2026-10-09', n: 2, expected: '2026-10-12' },
    // Make-up Sunday 20 Sep counts: 18 Sep (Fri) + 1 = 20 Sep.
    { date: '2026-09-18', n: 1, expected: '2026-09-20' },
    // Spring Festival: 13 Feb (Fri) + 1 = 14 Feb (make-up Sat); + 2 = 24 Feb (Tue, after Feb 15–23 off).
    { date: '2026-02-13', n: 1, expected: '2026-02-14' },
    { date: '2026-02-13', n: 2, expected: '2026-02-24' },
    // 10 working days after 30 Sep: Oct 8, 9, 10 (Sat), 12, 13, 14, 15, 16, 19, 20.
    { date: '2026-09-30', n: 10, expected: '2026-10-20' },
    // Across the year end, both years covered: 31 Dec 2025 (Wed) + 1 → 4 Jan 2026 (make-up Sunday).
    { date: '2025-12-31', n: 1, expected: '2026-01-04' },
  ])('$date shifted by $n working days → $expected', ({ date, n, expected }) => {
    expect(shiftWorkingDays(date, n)).toBe(expected);
  });

  it('rejects a zero or fractional count and an invalid date', () => {
    expect(() => shiftWorkingDays('2026-10-08', 0)).toThrow(RangeError);
    expect(() => shiftWorkingDays('2026-10-08', 1.5)).toThrow(RangeError);
    expect(() => shiftWorkingDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('countWorkingDaysBetween (both ends excluded)', () => {
  it.each([
    // Oct 8, 9, 10 (Sat), 12 … 16, 19 lie strictly between 30 Sep and 20 Oct: 9.
    { from: '2026-09-30', to: '2026-10-20', limit: undefined, expected: 9 },
    { from: '2026-09-30', to: '2026-10-21', limit: undefined, expected: 10 },
    { from: '2026-09-30', to: '2026-10-08', limit: undefined, expected: 0 },
    { from: '2026-10-08', to: '2026-10-08', limit: undefined, expected: 0 },
    { from: '2026-09-30', to: '2026-12-31', limit: 10, expected: 10 },
  ])('$from … $to (limit $limit) → $expected', ({ from, to, limit, expected }) => {
    expect(countWorkingDaysBetween(from, to, limit)).toBe(expected);
  });
});

describe('outside the covered years', () => {
  const after = WORKING_DAY_YEARS.last + 1;
  const before = WORKING_DAY_YEARS.first - 1;
  it('throws a RangeError naming the covered years, never guessing', () => {
    const covered = `${WORKING_DAY_YEARS.first}–${WORKING_DAY_YEARS.last}`;
    expect(() => isWorkingDay(`${after}-01-05`)).toThrow(
      new RangeError(`no working-day calendar for ${after}-01-05: the chinese-days data covers ${covered}`),
    );
    expect(() => isWorkingDay(`${before}-12-31`)).toThrow(RangeError);
  });

  it('throws when a shift walks out of them', () => {
    expect(() => shiftWorkingDays(`${WORKING_DAY_YEARS.last}-12-31`, 1)).toThrow(RangeError);
    expect(() => shiftWorkingDays(`${WORKING_DAY_YEARS.first}-01-01`, -1)).toThrow(RangeError);
  });

  it('rejects an invalid date', () => {
    expect(() => isWorkingDay('2026-13-01')).toThrow(RangeError);
    expect(() => isWorkingDay('20261001')).toThrow(RangeError);
  });
});
