import { describe, expect, it } from 'vitest';
import { classFromLabel, classLabel, DATA_CLASSES, sortClasses } from './classes.js';

describe('classes', () => {
  it('lists the two classes in canonical order', () => {
    expect(DATA_CLASSES).toEqual(['nonSensitive', 'sensitive']);
  });

  it('maps classes to metric label values and back', () => {
    expect(classLabel('nonSensitive')).toBe('non_sensitive');
    expect(classLabel('sensitive')).toBe('sensitive');
    expect(classFromLabel('non_sensitive')).toBe('nonSensitive');
    expect(classFromLabel('sensitive')).toBe('sensitive');
    expect(classFromLabel('nonSensitive')).toBeUndefined();
  });

  it('sorts and deduplicates classes', () => {
    expect(sortClasses(['sensitive', 'nonSensitive', 'sensitive'])).toEqual(['nonSensitive', 'sensitive']);
    expect(sortClasses([])).toEqual([]);
  });
});
