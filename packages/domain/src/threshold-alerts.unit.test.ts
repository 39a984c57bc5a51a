import { describe, expect, it } from 'vitest';
import { entityThresholdAlerts, pathwayThresholdAlerts, thresholdForecastAlerts } from './threshold-alerts.js';

const counts = (nonSensitive: number, sensitive = 0) => ({ nonSensitive, sensitive });
const processor = { level: 'processor', id: 'P1' } as const;
const group = { level: 'group', id: 'G1' } as const;
const names = (alerts: ReturnType<typeof pathwayThresholdAlerts>) =>
  alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}/${a.labels.class}@${a.labels.level ?? ''}`);

describe('PathwayThresholdApproaching (levels of 1,000,000 non-sensitive / 10,000 sensitive)', () => {
  // Thresholds worked out by hand: 0.8 × 1,000,000 = 800,000; 0.9 → 900,000; 0.95 → 950,000;
  // 0.8 × 10,000 = 8,000; 0.9 → 9,000; 0.95 → 9,500.
  it.each([
    { n: 799_999, s: 7_999, expected: [] },
    { n: 800_000, s: 0, expected: ['PathwayThresholdApproaching/warning/non_sensitive@0.8'] },
    {
      n: 899_999,
      s: 8_000,
      expected: ['PathwayThresholdApproaching/warning/non_sensitive@0.8', 'PathwayThresholdApproaching/warning/sensitive@0.8'],
    },
    { n: 900_000, s: 0, expected: ['PathwayThresholdApproaching/warning/non_sensitive@0.8', 'PathwayThresholdApproaching/high/non_sensitive@0.9'] },
    {
      n: 0,
      s: 9_500,
      expected: [
        'PathwayThresholdApproaching/warning/sensitive@0.8',
        'PathwayThresholdApproaching/high/sensitive@0.9',
        'PathwayThresholdApproaching/critical/sensitive@0.95',
      ],
    },
    {
      n: 949_999,
      s: 9_499,
      expected: [
        'PathwayThresholdApproaching/warning/non_sensitive@0.8',
        'PathwayThresholdApproaching/high/non_sensitive@0.9',
        'PathwayThresholdApproaching/warning/sensitive@0.8',
        'PathwayThresholdApproaching/high/sensitive@0.9',
      ],
    },
  ])('N=$n S=$s', ({ n, s, expected }) => {
    expect(names(pathwayThresholdAlerts({ entity: processor, counts: counts(n, s), year: 2026 }))).toEqual(expected);
  });

  it('labels a processor with processor_id and a group with group_id, both with year', () => {
    const [p] = pathwayThresholdAlerts({ entity: processor, counts: counts(800_000), year: 2026 });
    expect(p?.labels).toEqual({
      alertname: 'PathwayThresholdApproaching',
      severity: 'warning',
      processor_id: 'P1',
      class: 'non_sensitive',
      level: '0.8',
      year: '2026',
    });
    const [g] = pathwayThresholdAlerts({ entity: group, counts: counts(0, 8_000), year: 2027 });
    expect(g?.labels).toEqual({
      alertname: 'PathwayThresholdApproaching',
      severity: 'warning',
      group_id: 'G1',
      class: 'sensitive',
      level: '0.8',
      year: '2027',
    });
  });
});

describe('ForecastCapBreach at processor and group level', () => {
  it('forecasts the date each threshold is reached, without certificate_id', () => {
    // 1,000 in January, then 300 a day on 1–14 June: count 5,200, rate 4,200 / 14 = 300/day;
    // 10,000 − 5,200 = 4,800 left → 16 days after 14 June = 30 June.
    const dailyNew = [
      { day: '2026-01-05', counts: counts(0, 1_000) },
      ...Array.from({ length: 14 }, (_, i) => ({ day: `2026-06-${String(i + 1).padStart(2, '0')}`, counts: counts(0, 300) })),
    ];
    const alerts = thresholdForecastAlerts({ entity: group, counts: counts(0, 5_200), dailyNew, today: '2026-06-14', year: 2026 });
    expect(alerts.map((a) => a.labels)).toEqual([
      { alertname: 'ForecastCapBreach', severity: 'warning', group_id: 'G1', class: 'sensitive', year: '2026' },
    ]);
    expect(alerts[0]?.summary).toContain('2026-06-30');
    // 4,800 left at 150/day → 32 days: beyond the 30-day horizon.
    const slower = dailyNew.map((d) => ({ day: d.day, counts: counts(0, d.counts.sensitive / 2) }));
    expect(thresholdForecastAlerts({ entity: group, counts: counts(0, 5_200), dailyNew: slower, today: '2026-06-14', year: 2026 })).toEqual([]);
  });

  it('does not forecast a threshold already reached', () => {
    const dailyNew = [{ day: '2026-06-14', counts: counts(1_000_000) }];
    expect(thresholdForecastAlerts({ entity: processor, counts: counts(1_000_000), dailyNew, today: '2026-06-14', year: 2026 })).toEqual([]);
  });
});

describe('group level', () => {
  it('fires PathwayCeilingReached for a group total of 1,000,000 with group_id and year', () => {
    const labels = entityThresholdAlerts({ entity: group, counts: counts(1_000_000), dailyNew: [], today: '2026-06-14', year: 2026 })
      .filter((a) => a.labels.alertname === 'PathwayCeilingReached')
      .map((a) => a.labels);
    expect(labels).toEqual([{ alertname: 'PathwayCeilingReached', severity: 'critical', group_id: 'G1', class: 'non_sensitive', year: '2026' }]);
    expect(
      entityThresholdAlerts({ entity: group, counts: counts(999_999), dailyNew: [], today: '2026-06-14', year: 2026 }).map((a) => a.labels.alertname),
    ).not.toContain('PathwayCeilingReached');
  });
});
