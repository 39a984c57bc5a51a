import { describe, expect, it } from 'vitest';
import { ReservationBook } from './reservations.js';

const key = { level: 'certificate' as const, scopeId: 'C1', year: 2026 };

describe('the reservation book', () => {
  it('counts each held person once across holds, and lets holds expire after their TTL', () => {
    let now = 0;
    const book = new ReservationBook(1_000, () => now);
    book.hold('e1', [
      {
        key,
        people: new Map([
          ['a', ['nonSensitive']],
          ['b', ['nonSensitive', 'sensitive']],
        ]),
      },
    ]);
    book.hold('e2', [
      {
        key,
        people: new Map([
          ['b', ['nonSensitive']],
          ['c', ['sensitive']],
        ]),
      },
    ]);
    const seen = book.heldAt(
      key,
      new Map([
        ['b', ['nonSensitive']],
        ['d', ['nonSensitive']],
      ]),
    );
    expect(seen.held).toEqual({ nonSensitive: 2, sensitive: 2 });
    expect([...seen.alreadyHeld.keys()]).toEqual(['b']);
    expect(book.heldAt(key, new Map(), 'e1').held).toEqual({ nonSensitive: 1, sensitive: 1 });
    now = 999;
    expect(book.size).toBe(2);
    now = 1_000;
    expect(book.size).toBe(0);
  });

  it('gives a hold back when its transfer arrives', () => {
    const book = new ReservationBook();
    book.hold('e1', [{ key, people: new Map([['a', ['nonSensitive']]]) }]);
    book.consume(['e1']);
    expect(book.heldAt(key, new Map()).held).toEqual({ nonSensitive: 0, sensitive: 0 });
  });

  it('decides one reserving admission at a time', async () => {
    const book = new ReservationBook();
    const order: string[] = [];
    const step = (name: string, ms: number) =>
      book.exclusive(async () => {
        order.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${name}:end`);
      });
    await Promise.all([
      step('a', 20),
      step('b', 1),
      book
        .exclusive(async () => {
          throw new Error('refused');
        })
        .catch(() => undefined),
      step('c', 1),
    ]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });
});
