import { parseEvent, validateCertificate, validateInstrument } from '@pi-egress/domain';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const example = (name: string) => readFileSync(new URL(`../docs/examples/${name}`, import.meta.url), 'utf8');

describe('the README examples', () => {
  it('declare a valid certificate', () => {
    const result = validateCertificate(JSON.parse(example('certificate.json')));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('declare a valid standard contract', () => {
    const result = validateInstrument(JSON.parse(example('standard-contract.json')));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('hold only valid events', () => {
    const lines = example('events.ndjson').trim().split('\n');
    const reasons = lines.map((line) => parseEvent(JSON.parse(line), new Date('2026-12-01T00:00:00Z'))).filter((r) => !r.ok);
    expect(reasons).toEqual([]);
    expect(lines).toHaveLength(4);
  });
});

describe('the README', () => {
  it('has each section once (a merge put five sections in twice, twice)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // Headings outside code blocks: a `#` line inside a fenced shell example is a comment.
    const outsideCode = readme
      .split(/^```.*$/m)
      .filter((_, i) => i % 2 === 0)
      .join('\n');
    const headings = [...outsideCode.matchAll(/^(#{1,3}) (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings.filter((heading, i) => headings.indexOf(heading) !== i)).toEqual([]);
  });
});
