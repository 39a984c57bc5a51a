import { decodeEventBytes, type StepResult } from '@pi-egress/core';

/** One NDJSON line after the decode step (a class, so no JSON value can pass for one). */
export class DecodedLine {
  constructor(readonly result: StepResult<unknown>) {}
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
