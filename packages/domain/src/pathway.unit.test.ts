import { describe, expect, it } from 'vitest';
import { ceilingReached, pathwayFor } from './pathway.js';

const n = (nonSensitive: number, sensitive = 0) => ({ nonSensitive, sensitive });

describe('pathway bands (以上 includes, 不满 excludes)', () => {
  it('is exempt with no one', () => {
    expect(pathwayFor(n(0, 0))).toBe('exempt');
  });

  it('non-sensitive 99,999 is exempt (不满 100,000), 100,000 needs contract/certification (以上)', () => {
    expect(pathwayFor(n(99_999))).toBe('exempt');
    expect(pathwayFor(n(100_000))).toBe('standard_contract_or_certification');
  });

  it('non-sensitive 999,999 stays under certification, 1,000,000 needs a security assessment', () => {
    expect(pathwayFor(n(999_999))).toBe('standard_contract_or_certification');
    expect(pathwayFor(n(1_000_000))).toBe('security_assessment');
  });

  it('sensitive 0 is exempt, 1 needs contract/certification', () => {
    expect(pathwayFor(n(0, 0))).toBe('exempt');
    expect(pathwayFor(n(0, 1))).toBe('standard_contract_or_certification');
    expect(pathwayFor(n(99_999, 1))).toBe('standard_contract_or_certification');
  });

  it('sensitive 9,999 stays under certification, 10,000 needs a security assessment', () => {
    expect(pathwayFor(n(0, 9_999))).toBe('standard_contract_or_certification');
    expect(pathwayFor(n(0, 10_000))).toBe('security_assessment');
  });

  it('a CII operator always needs a security assessment', () => {
    expect(pathwayFor(n(0, 0), { ciiOperator: true })).toBe('security_assessment');
    expect(pathwayFor(n(0, 0), { ciiOperator: false })).toBe('exempt');
  });

  it('any important data always needs a security assessment', () => {
    expect(pathwayFor(n(1, 0), { importantData: true })).toBe('security_assessment');
    expect(pathwayFor(n(1, 0), { importantData: false })).toBe('exempt');
  });

  it('reports the classes at or above the assessment thresholds', () => {
    expect(ceilingReached(n(999_999, 9_999))).toEqual([]);
    expect(ceilingReached(n(1_000_000, 9_999))).toEqual(['nonSensitive']);
    expect(ceilingReached(n(999_999, 10_000))).toEqual(['sensitive']);
    expect(ceilingReached(n(1_000_000, 10_000))).toEqual(['nonSensitive', 'sensitive']);
  });
});
