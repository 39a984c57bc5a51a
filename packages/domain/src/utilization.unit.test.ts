import { describe, expect, it } from 'vitest';
import { capExceeded, levelsCrossed, levelThreshold, severityForLevel, utilizationRatio } from './utilization.js';

const LEVELS = [0.8, 0.9, 0.95];

describe('utilisation', () => {
  it('crosses a level at count ≥ level × cap', () => {
    expect(levelsCrossed(7_999, 10_000, LEVELS)).toEqual([]);
    expect(levelsCrossed(8_000, 10_000, LEVELS)).toEqual([0.8]);
    expect(levelsCrossed(8_999, 10_000, LEVELS)).toEqual([0.8]);
    expect(levelsCrossed(9_000, 10_000, LEVELS)).toEqual([0.8, 0.9]);
    expect(levelsCrossed(9_499, 10_000, LEVELS)).toEqual([0.8, 0.9]);
    expect(levelsCrossed(9_500, 10_000, LEVELS)).toEqual([0.8, 0.9, 0.95]);
  });

  it('is float-safe and rounds fractional thresholds up', () => {
    expect(levelThreshold(0.7, 10)).toBe(7);
    expect(levelThreshold(0.95, 9_999)).toBe(9_500);
    expect(levelsCrossed(9_499, 9_999, [0.95])).toEqual([]);
    expect(levelsCrossed(9_500, 9_999, [0.95])).toEqual([0.95]);
  });

  it('raises no level alerts for a zero cap', () => {
    expect(levelsCrossed(0, 0, LEVELS)).toEqual([]);
    expect(levelsCrossed(5, 0, LEVELS)).toEqual([]);
    expect(utilizationRatio(0, 0)).toBe(0);
    expect(utilizationRatio(1, 0)).toBe(Infinity);
    expect(utilizationRatio(250, 1_000)).toBe(0.25);
  });

  it('maps levels to severities', () => {
    expect(severityForLevel(0.8)).toBe('warning');
    expect(severityForLevel(0.89)).toBe('warning');
    expect(severityForLevel(0.9)).toBe('high');
    expect(severityForLevel(0.95)).toBe('critical');
    expect(severityForLevel(1)).toBe('critical');
  });

  it('exceeds the cap only strictly above it', () => {
    expect(capExceeded(9_999, 9_999)).toBe(false);
    expect(capExceeded(10_000, 9_999)).toBe(true);
    expect(capExceeded(1, 0)).toBe(true);
  });
});
