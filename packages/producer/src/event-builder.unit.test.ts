import { parseEvent, pseudonymise } from '@pi-egress/domain';
import { describe, expect, it } from 'vitest';
import { buildEvent, InvalidEventError, subjectIdHash } from './event-builder.js';

const draft = {
  processorId: 'P1',
  mechanism: 'certification' as const,
  certificateId: 'CERT-1',
  recipient: { id: 'R1', country: 'DE' },
  purpose: 'customer_support',
  categories: ['name', 'email'],
  subjects: [{ id: ' Alice@Example.COM ' }, { id: '+86 138-0013-8000', categories: ['health'] }],
};

describe('producer event builder', () => {
  it('hashes like the monitor: same normalisation, same key', () => {
    expect(subjectIdHash(' Alice@Example.COM ', 'k')).toBe(pseudonymise('alice@example.com', 'k'));
  });

  it('builds an event the monitor accepts, raw ids replaced by idHash when given the key', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const event = buildEvent(draft, { subjectKey: 'k', now });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.occurredAt).toBe(now.toISOString());
    expect(event.subjects).toEqual([
      { idHash: pseudonymise('alice@example.com', 'k') },
      { idHash: pseudonymise('+8613800138000', 'k'), categories: ['health'] },
    ]);
    // The raw ids, not any digits: a random eventId holds "138" about once in a hundred events.
    expect(JSON.stringify(event)).not.toMatch(/alice|138[- ]?0013[- ]?8000/i);
    expect(parseEvent(JSON.parse(JSON.stringify(event)), now).ok).toBe(true);
  });

  it('keeps raw ids without a key, and refuses what the monitor would refuse, with its reason', () => {
    expect(buildEvent(draft).subjects[0]).toEqual({ id: ' Alice@Example.COM ' });
    const { certificateId: _, ...withoutCertificate } = draft;
    expect(() => buildEvent(withoutCertificate)).toThrow(InvalidEventError);
    expect(() => buildEvent(withoutCertificate)).toThrow(/certificateId: is required when mechanism is certification/);
  });
});
