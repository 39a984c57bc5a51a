import { decodeEventBytes, UnparsedInput } from '@pi-egress/core';
import { ApiError } from './errors.js';

/** Lines of an NDJSON body (a last line without its newline counts too), counted without decoding. */
function lineCount(body: Buffer): number {
  let lines = 0;
  for (let at = body.indexOf(0x0a); at !== -1; at = body.indexOf(0x0a, at + 1)) lines += 1;
  return body.length > 0 && body[body.length - 1] !== 0x0a ? lines + 1 : lines;
}

/** Refuses a body of more than `maxEvents` lines before any line is parsed: the work and the answer stay bounded. */
export function assertLineCount(body: Buffer, maxEvents: number): void {
  if (lineCount(body) > maxEvents) throw new ApiError(413, 'too_many_events', `a batch holds at most ${maxEvents} events (lines)`);
}

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
