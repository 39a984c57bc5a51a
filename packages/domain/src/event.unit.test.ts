import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { egressEventJsonSchema, egressEventSchema, MAX_SUBJECTS_PER_EVENT, parseEvent } from './event.js';
import { acmeEvent } from '@pi-egress/testing/fixtures';

const NOW = new Date('2026-06-01T12:00:00Z');
const HASH = 'a'.repeat(64);
const RAW_ID = 'Zhang.San@Example.CN';

/** A valid event as a producer writes it: `importantData` left to its default. */
const base = (): Record<string, unknown> => {
  const { importantData: _default, ...input } = acmeEvent({
    occurredAt: '2026-06-01T19:30:00+08:00',
    subjects: [{ id: RAW_ID }, { idHash: HASH, categories: ['health'] }],
  });
  return input;
};

function reasonOf(input: unknown): string {
  const r = parseEvent(input, NOW);
  if (r.ok) throw new Error('expected rejection');
  return r.reason;
}

describe('parseEvent: accepts contract v1', () => {
  it('accepts a valid event and defaults importantData to false', () => {
    const r = parseEvent(base(), NOW);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.event.importantData).toBe(false);
      expect(r.event.subjects).toHaveLength(2);
    }
  });

  it('accepts every mechanism with its required fields', () => {
    expect(parseEvent({ ...base(), mechanism: 'standard_contract', certificateId: undefined }, NOW).ok).toBe(true);
    expect(parseEvent({ ...base(), mechanism: 'security_assessment' }, NOW).ok).toBe(true);
    expect(parseEvent({ ...base(), mechanism: 'exempt', exemptionBasis: 'hr_management' }, NOW).ok).toBe(true);
    for (const basis of ['contract_necessity', 'emergency']) {
      expect(parseEvent({ ...base(), mechanism: 'exempt', exemptionBasis: basis }, NOW).ok).toBe(true);
    }
  });

  it('accepts exactly 50,000 subjects and rejects 50,001', () => {
    const subjects = Array.from({ length: MAX_SUBJECTS_PER_EVENT }, () => ({ idHash: HASH }));
    expect(parseEvent({ ...base(), subjects }, NOW).ok).toBe(true);
    expect(reasonOf({ ...base(), subjects: [...subjects, { idHash: HASH }] })).toBe('subjects: must have at most 50000 subjects per event');
  });
});

describe('parseEvent: clock skew', () => {
  it('accepts occurredAt up to now + 5 minutes, rejects one millisecond more', () => {
    const at = (ms: number) => ({ ...base(), occurredAt: new Date(NOW.getTime() + ms).toISOString() });
    expect(parseEvent(at(5 * 60_000), NOW).ok).toBe(true);
    expect(reasonOf(at(5 * 60_000 + 1))).toBe('occurredAt: in the future beyond the allowed 5 minutes of clock skew');
  });

  it('accepts late events from a past year', () => {
    expect(parseEvent({ ...base(), occurredAt: '2024-12-31T23:59:59+08:00' }, NOW).ok).toBe(true);
  });
});

describe('parseEvent: reasons name the field', () => {
  it('subject idHash', () => {
    const subjects = [{ idHash: HASH }, { idHash: HASH }, { idHash: HASH }, { idHash: 'xyz' }];
    expect(reasonOf({ ...base(), subjects })).toBe('subjects[3].idHash: must be 64 hex characters');
  });

  it('subject must be exactly one of id or idHash', () => {
    expect(reasonOf({ ...base(), subjects: [{ id: RAW_ID, idHash: HASH }] })).toBe('subjects[0]: must have exactly one of id or idHash');
    expect(reasonOf({ ...base(), subjects: [{}] })).toBe('subjects[0]: must have exactly one of id or idHash');
    expect(reasonOf({ ...base(), subjects: [{ id: '   ' }] })).toBe('subjects[0].id: must not be blank');
    expect(reasonOf({ ...base(), subjects: [] })).toBe('subjects: must not be empty');
    expect(reasonOf({ ...base(), subjects: [{ idHash: HASH, categories: [] }] })).toBe('subjects[0].categories: must not be empty');
  });

  it('certificateId is required with certification', () => {
    expect(reasonOf({ ...base(), certificateId: undefined })).toBe('certificateId: is required when mechanism is certification');
  });

  it('exemptionBasis is required with exempt and only allowed with exempt', () => {
    expect(reasonOf({ ...base(), mechanism: 'exempt' })).toBe('exemptionBasis: is required when mechanism is exempt');
    expect(reasonOf({ ...base(), exemptionBasis: 'emergency' })).toBe('exemptionBasis: is allowed only when mechanism is exempt');
    expect(reasonOf({ ...base(), mechanism: 'exempt', exemptionBasis: 'convenience' })).toBe(
      'exemptionBasis: must be one of "contract_necessity", "hr_management", "emergency"',
    );
  });

  it('mechanism, country, ids, timestamps, categories, types', () => {
    expect(reasonOf({ ...base(), mechanism: 'bcr' })).toMatch(/^mechanism: must be one of "certification", /);
    expect(reasonOf({ ...base(), recipient: { id: 'r', country: 'de' } })).toBe(
      'recipient.country: must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE',
    );
    expect(reasonOf({ ...base(), recipient: { id: 'r', country: 'DEU' } })).toMatch(/^recipient\.country: /);
    expect(reasonOf({ ...base(), recipient: { id: 'r', country: 'XX' } })).toBe(
      'recipient.country: must be an assigned ISO 3166-1 alpha-2 code, e.g. DE',
    );
    expect(reasonOf({ ...base(), recipient: { id: 'r', country: 'UK' } })).toBe('recipient.country: UK is not an ISO 3166-1 alpha-2 code: use GB');
    for (const country of ['GB', 'HK', 'MO', 'TW', 'CN'])
      expect(parseEvent({ ...base(), recipient: { id: 'r', country } }, NOW).ok, country).toBe(true);
    expect(reasonOf({ ...base(), eventId: '' })).toBe('eventId: must not be empty');
    expect(reasonOf({ ...base(), eventId: 'x'.repeat(129) })).toBe('eventId: must be at most 128 characters long');
    expect(parseEvent({ ...base(), eventId: 'x'.repeat(128) }, NOW).ok).toBe(true);
    expect(reasonOf({ ...base(), occurredAt: '2026-06-01 12:00' })).toMatch(/^occurredAt: must be an RFC 3339 timestamp/);
    expect(reasonOf({ ...base(), occurredAt: '2026-06-01T12:00:00' })).toMatch(/^occurredAt: must be an RFC 3339 timestamp/);
    expect(reasonOf({ ...base(), categories: [] })).toBe('categories: must not be empty');
    expect(reasonOf({ ...base(), importantData: 'yes' })).toBe('importantData: expected boolean, received string');
    expect(reasonOf({ ...base(), purpose: undefined })).toBe('purpose: is required');
    expect(reasonOf({ ...base(), processorId: ' acme' })).toBe('processorId: must not be blank or start/end with whitespace');
    expect(reasonOf({ ...base(), processorId: '   ' })).toBe('processorId: must not be blank or start/end with whitespace');
    expect(reasonOf({ ...base(), extra: 1 })).toBe('(root): unrecognized key: extra');
    expect(reasonOf(null)).toBe('(root): expected an object, received null');
    expect(reasonOf([])).toBe('(root): expected an object, received array');
  });

  it('joins several reasons and says how many more there were', () => {
    const subjects = Array.from({ length: 8 }, () => ({ idHash: 'bad' }));
    const reason = reasonOf({ ...base(), subjects });
    expect(reason.split('; ')).toHaveLength(6);
    expect(reason).toMatch(/\(\+3 more\)$/);
  });

  it('returns the eventId when it is readable', () => {
    const r = parseEvent({ ...base(), purpose: '' }, NOW);
    expect(r).toMatchObject({ ok: false, eventId: 'evt-1' });
    const r2 = parseEvent({ ...base(), eventId: 42 }, NOW);
    expect(r2.ok === false && r2.eventId).toBeUndefined();
  });
});

describe('parseEvent never echoes a raw subject id', () => {
  const cases: Array<[string, unknown]> = [
    ['id and idHash together', { subjects: [{ id: RAW_ID, idHash: RAW_ID }] }],
    ['id too long', { subjects: [{ id: `${RAW_ID}${'x'.repeat(300)}` }] }],
    ['id of the wrong type', { subjects: [{ id: { RAW_ID } }] }],
    ['raw id as unknown key', { subjects: [{ [RAW_ID]: true, id: RAW_ID }] }],
    ['identifier-like raw id as unknown key', { subjects: [{ zhangsan: true, id: 'zhangsan' }] }],
    ['raw id put in idHash', { subjects: [{ idHash: RAW_ID }] }],
    ['raw id as category', { subjects: [{ id: RAW_ID, categories: RAW_ID }] }],
    ['raw id as eventId too long', { eventId: RAW_ID.repeat(10), subjects: [{ id: RAW_ID }] }],
  ];
  for (const [name, patch] of cases) {
    it(name, () => {
      const reason = reasonOf({ ...base(), ...(patch as object) });
      expect(reason).not.toContain(RAW_ID);
      expect(reason.toLowerCase()).not.toContain(RAW_ID.toLowerCase());
      expect(reason).not.toContain('zhangsan');
      expect(reason).toMatch(/^subjects\[0\]|^eventId/);
    });
  }
});

describe('event JSON Schema', () => {
  it('converts with z.toJSONSchema, with the contract rules', () => {
    const schema = egressEventJsonSchema() as {
      required: string[];
      allOf: unknown[];
      properties: { subjects: { maxItems: number; items: { oneOf: unknown[] } }; recipient: { properties: { country: { pattern: string } } } };
    };
    expect(schema.required).not.toContain('importantData');
    expect(schema.required).toEqual(expect.arrayContaining(['eventId', 'occurredAt', 'processorId', 'mechanism', 'subjects']));
    expect(schema.properties.subjects.maxItems).toBe(50_000);
    expect(schema.properties.subjects.items.oneOf).toHaveLength(2);
    expect(schema.properties.recipient.properties.country.pattern).toBe('^[A-Z]{2}$');
    expect(schema.allOf).toHaveLength(2);
    expect(() => z.toJSONSchema(egressEventSchema)).not.toThrow();
  });
});
