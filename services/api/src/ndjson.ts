import { decodeEventBytes, type StepResult } from '@pi-egress/core';
import { ApiError } from './errors.js';

/** One NDJSON line after the decode step (a class, so no JSON value can pass for one). */
export class DecodedLine {
  constructor(readonly result: StepResult<unknown>) {}
}

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
 * Splits an NDJSON body into the decode step's results, one per non-blank line: a line that is not
 * UTF-8 or not JSON is refused at its index, so it is reported and the other lines still count.
 */
export function parseNdjson(body: Buffer): DecodedLine[] {
  const events: DecodedLine[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    const line = body.subarray(start, end);
    start = end + 1;
    if (line.toString('latin1').trim() === '') continue;
    events.push(new DecodedLine(decodeEventBytes(line)));
  }
  return events;
}
