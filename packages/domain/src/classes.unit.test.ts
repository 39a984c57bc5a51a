import { describe, expect, it } from 'vitest';
import { classLabel, sortClasses } from './classes.js';

describe('classes', () => {
  it('maps classes to metric label values and back', () => {
    expect(classLabel('nonSensitive')).toBe('non_sensitive');
    expect(classLabel('sensitive')).toBe('sensitive');
  });

  it('sorts and deduplicates classes', () => {
    expect(sortClasses(['sensitive', 'nonSensitive', 'sensitive'])).toEqual(['nonSensitive', 'sensitive']);
    expect(sortClasses([])).toEqual([]);
  });
});
