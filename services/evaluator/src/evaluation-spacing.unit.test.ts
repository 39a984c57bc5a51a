import { describe, expect, it } from 'vitest';
import { followUpDelayMs } from './evaluator.js';

// Expected values from the rule itself: a cycle under 100 ms follows a write at once; a costlier
// one is followed only once three times its duration has passed since it ended.
describe('evaluation after a write', () => {
  const now = 1_000_000;
  it.each([
    { case: 'cheap cycle, just ended', last: { endedAt: now, durationMs: 99 }, wait: 0 },
    { case: 'costly cycle, just ended', last: { endedAt: now, durationMs: 400 }, wait: 1_200 },
    { case: 'costly cycle, ended 500 ms ago', last: { endedAt: now - 500, durationMs: 400 }, wait: 700 },
    { case: 'costly cycle, ended long ago', last: { endedAt: now - 2_000, durationMs: 400 }, wait: 0 },
    { case: 'no cycle yet', last: { endedAt: 0, durationMs: 0 }, wait: 0 },
  ])('$case: waits $wait ms', ({ last, wait }) => {
    expect(followUpDelayMs(last, now)).toBe(wait);
  });
});
