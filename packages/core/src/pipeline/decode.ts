import { refused, type StepResult } from './step-result.js';

/** The decode step: raw event bytes (a Kafka message value, an NDJSON line) → a JSON value. */

export const NOT_UTF8_REASON = '(root): not valid UTF-8';
export const NOT_JSON_REASON = '(root): not valid JSON';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Size, then strict UTF-8, then JSON; the reason never echoes the input (it may hold raw subject ids). */
export function decodeEventBytes(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY, limitName?: string): StepResult<unknown> {
  if (bytes.length > maxBytes) {
    const setting = limitName === undefined ? '' : ` (${limitName})`;
    return refused('decode', 'oversized', `(root): message of ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes${setting}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return refused('decode', 'not_utf8', NOT_UTF8_REASON);
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch {
    return refused('decode', 'not_json', NOT_JSON_REASON);
  }
}
