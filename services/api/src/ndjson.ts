import { decodeEventBytes, UnparsedInput } from '@pi-egress/core';

/**
 * Splits an NDJSON body into events. A line that is not UTF-8 or not JSON becomes an
 * {@link UnparsedInput} at its index, so it is reported and the other lines still count.
 */
export function parseNdjson(body: Buffer): unknown[] {
  const events: unknown[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    const line = body.subarray(start, end);
    start = end + 1;
    if (line.toString('latin1').trim() === '') continue;
    const decoded = decodeEventBytes(line);
    events.push(decoded.ok ? decoded.value : new UnparsedInput(decoded.reason));
  }
  return events;
}
