import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterMessage, withoutDeadLetterHeaders } from './dead-letters.js';

const message: KafkaMessage = {
  key: Buffer.from('evt-1'),
  value: Buffer.from('{not json'),
  headers: { traceparent: Buffer.from('00-abc'), 'x-dlq-reason': Buffer.from('old reason') },
  offset: '42',
  timestamp: String(Date.parse('2026-06-01T08:00:00Z')),
  attributes: 0,
};

describe('dead-letter messages', () => {
  it('keep the original key, value and headers, and say why, from where and when', () => {
    const failure = { kind: 'dead-letter', step: 'decode', code: 'not_json', reason: '(root): not valid JSON' } as const;
    const dead = deadLetterMessage({ topic: 'pi.egress.events', partition: 3, message }, failure, new Date('2026-06-02T00:00:00Z'));
    expect(dead.key).toBe(message.key);
    expect(dead.value).toBe(message.value);
    expect(dead.headers).toEqual({
      traceparent: message.headers!.traceparent,
      'x-dlq-reason': '(root): not valid JSON',
      'x-dlq-code': 'not_json',
      'x-dlq-step': 'decode',
      'x-dlq-original-topic': 'pi.egress.events',
      'x-dlq-original-partition': '3',
      'x-dlq-original-offset': '42',
      'x-dlq-original-timestamp': '2026-06-01T08:00:00.000Z',
      'x-dlq-time': '2026-06-02T00:00:00.000Z',
    });
  });

  it('are stripped of their x-dlq headers for a replay', () => {
    expect(withoutDeadLetterHeaders({ 'X-DLQ-Step': 'decode', traceparent: 'a' })).toEqual({ traceparent: 'a' });
    expect(withoutDeadLetterHeaders(undefined)).toEqual({});
  });
});
