import { describe, expect, it } from 'vitest';
import { tailRowsLimitFor, tailRowsLimitOf } from './bounded-tail.js';

const counts = (nonSensitive: number, sensitive = 0) => ({ nonSensitive, sensitive });

describe('the tail limit: beyond it a scope is counted in full', () => {
  it.each([
    ['nothing known: the memory bound alone', undefined, 500_000],
    ['a small scope: never below 10,000 rows', [counts(1_000)], 10_000],
    ['1,600,000 people counted: a sixteenth of them', [counts(1_200_000, 400_000)], 100_000],
    ['10,000,000 people: within the memory bound', [counts(10_000_000)], 500_000],
    ['a batch: what all its scopes counted', [counts(800_000), counts(800_000)], 100_000],
  ] as const)('%s', (_, counted, limit) => {
    expect(tailRowsLimitFor(counted, 500_000)).toBe(limit);
  });

  it('takes the memory bound when any scope of a batch has no known count', () => {
    const key = { level: 'certificate' as const, scopeId: 'C-1', year: 2026 };
    expect(
      tailRowsLimitOf(
        [
          { key, watermark: 'w', counted: counts(1_000) },
          { key, watermark: 'w' },
        ],
        500_000,
      ),
    ).toBe(500_000);
    expect(tailRowsLimitOf([{ key, watermark: 'w', counted: counts(1_000) }], 500_000)).toBe(10_000);
  });
});
