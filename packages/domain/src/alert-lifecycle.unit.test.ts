import { describe, expect, it } from 'vitest';
import { alertFingerprint, alertLabels } from './alert-model.js';
import { reconcileAlerts } from './alert-lifecycle.js';

const candidate = (level: string, description = 'd') => ({
  labels: alertLabels('ScopeUtilization', 'warning', { certificate_id: 'C1', level, processor_id: undefined }),
  summary: 's',
  description,
});

describe('alert lifecycle', () => {
  const t0 = new Date('2026-06-01T00:00:00Z');
  const t1 = new Date('2026-06-01T00:05:00Z');

  it('drops empty labels and fingerprints label sets independently of order', () => {
    expect(candidate('0.8').labels).toEqual({ alertname: 'ScopeUtilization', severity: 'warning', certificate_id: 'C1', level: '0.8' });
    expect(alertFingerprint({ a: '1', b: '2' })).toBe(alertFingerprint({ b: '2', a: '1' }));
  });

  it('fires new alerts, keeps startsAt of continuing ones and resolves the rest', () => {
    const first = reconcileAlerts([], [candidate('0.8'), candidate('0.9')], t0);
    expect(first.fired).toHaveLength(2);
    const second = reconcileAlerts(first.firing, [candidate('0.8', 'new text')], t1);
    expect(second.fired).toEqual([]);
    expect(second.changed.map((a) => a.description)).toEqual(['new text']);
    expect(second.firing[0]?.startsAt).toEqual(t0);
    expect(second.resolved.map((a) => a.labels.level)).toEqual(['0.9']);
  });

  it('collapses duplicate candidates', () => {
    expect(reconcileAlerts([], [candidate('0.8'), candidate('0.8')], t0).firing).toHaveLength(1);
  });
});
