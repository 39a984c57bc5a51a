import type { PreparedTransfer } from '@pi-egress/domain';
import { describe, expect, it } from 'vitest';
import { collectSubjectRows, rowBinaryChunks } from './subject-rows.js';
import type { ScopeKey } from './scope.js';

const hash = (digit: string) => digit.repeat(64);
const transfer = (occurredAt: string, subjects: Array<{ idHash: string; classes: Array<'nonSensitive' | 'sensitive'> }>) =>
  ({ occurredAt: new Date(occurredAt), subjects }) as unknown as PreparedTransfer;

describe('subject rows in RowBinary', () => {
  it('keeps one row per scope, class and person with the earliest first-seen time', () => {
    const scope: ScopeKey = { level: 'certificate', scopeId: 'C1', year: 2026 };
    const set = collectSubjectRows(
      [
        transfer('2026-03-02T00:00:00Z', [{ idHash: hash('a'), classes: ['nonSensitive', 'sensitive'] }]),
        transfer('2026-03-01T00:00:00Z', [{ idHash: hash('a'), classes: ['nonSensitive'] }]),
      ],
      () => [scope],
    );
    expect(set.size).toBe(2);
    expect(set.touched).toEqual([scope]);
    const bytes = Buffer.concat([...rowBinaryChunks(set)]);
    // Enum8 level, String scope id, UInt16 year, Enum8 class, FixedString(32), Int64 milliseconds.
    const first = Buffer.concat([Buffer.from([2, 2]), Buffer.from('C1'), Buffer.from([0xea, 0x07, 1]), Buffer.from(hash('a'), 'hex')]);
    expect(bytes.subarray(0, first.length)).toEqual(first);
    expect(Number(bytes.readBigInt64LE(first.length))).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(bytes.length).toBe(2 * (first.length + 8));
  });

  it('writes scope ids of 128 bytes and more with a multi-byte length', () => {
    const set = collectSubjectRows([transfer('2026-03-01T00:00:00Z', [{ idHash: hash('b'), classes: ['sensitive'] }])], () => [
      { level: 'group', scopeId: 'G'.repeat(130), year: 2026 },
    ]);
    const bytes = Buffer.concat([...rowBinaryChunks(set, 1)]);
    expect([...bytes.subarray(0, 3)]).toEqual([3, 0x82, 0x01]);
    expect(bytes.length).toBe(1 + 2 + 130 + 2 + 1 + 32 + 8);
  });
});
