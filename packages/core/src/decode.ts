/** Decoding raw event bytes (a Kafka message value, an NDJSON line) before the schema sees them. */

export const NOT_UTF8_REASON = '(root): not valid UTF-8';
export const NOT_JSON_REASON = '(root): not valid JSON';

export type DecodedEvent = { ok: true; value: unknown } | { ok: false; problem: 'not_utf8' | 'not_json'; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 then JSON; the reason never echoes the input (it may hold raw subject ids). */
export function decodeEventBytes(bytes: Uint8Array): DecodedEvent {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: 'not_utf8', reason: NOT_UTF8_REASON };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: 'not_json', reason: NOT_JSON_REASON };
  }
}
