import { validateStep } from '@pi-egress/core';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from './steps.js';

const json = (value: unknown) => ({ value: Buffer.from(JSON.stringify(value)) });

describe('ingest steps', () => {
  it('decodes JSON values and drops tombstones', () => {
    expect(decodeMessage(json({ eventId: 'e1' }), 1_000)).toEqual({ kind: 'ok', value: { eventId: 'e1' } });
    expect(decodeMessage({ value: null }, 1_000)).toMatchObject({ kind: 'drop' });
  });

  it('dead-letters oversized, non-UTF-8 and non-JSON messages without echoing them', () => {
    expect(decodeMessage({ value: Buffer.alloc(1_001, 0x20) }, 1_000)).toEqual({
      kind: 'dead-letter',
      step: 'decode',
      code: 'oversized',
      reason: '(root): message of 1001 bytes exceeds the limit of 1000 bytes (EGRESS_MAX_MESSAGE_BYTES)',
    });
    expect(decodeMessage({ value: Buffer.from([0x7b, 0xff, 0x7d]) }, 1_000)).toMatchObject({ code: 'not_utf8', reason: '(root): not valid UTF-8' });
    const secret = Buffer.from('{"subjects":[{"id":"secret@example.com"}');
    const notJson = decodeMessage({ value: secret }, 1_000);
    expect(notJson).toMatchObject({ code: 'not_json', reason: '(root): not valid JSON' });
    expect(JSON.stringify(notJson)).not.toContain('secret');
  });

  it('codes each validation refusal at its source: future, too old, bad text, other schema errors', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const event = {
      eventId: 'e1',
      occurredAt: '2026-05-01T00:00:00Z',
      processorId: 'P1',
      mechanism: 'standard_contract',
      recipient: { id: 'R1', country: 'DE' },
      purpose: 'support',
      categories: ['name'],
      subjects: [{ id: 'a' }],
    };
    expect(validateStep(event, now)).toMatchObject({ kind: 'ok' });
    expect(validateStep({ ...event, occurredAt: '2026-06-01T01:00:00Z' }, now)).toMatchObject({ step: 'validate', code: 'future_timestamp' });
    expect(validateStep({ ...event, occurredAt: '1969-12-31T23:59:59Z' }, now)).toMatchObject({ code: 'occurred_at_out_of_range' });
    expect(validateStep({ ...event, system: 'crm\ud800' }, now)).toMatchObject({ code: 'invalid_text' });
    expect(validateStep({ ...event, subjects: [] }, now)).toMatchObject({ code: 'schema', reason: 'subjects: must not be empty' });
  });
});
